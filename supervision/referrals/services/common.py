"""What the referral services share: the remit matrix, access, locks and moves."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import models
from django.utils import timezone

from supervision.core import policy
from supervision.core.models import Department, Domain, Region, RegionLevel, Remit, RemitRole, Role, User
from supervision.core.transitions import transition

from ..models import (
    TRANSITIONS,
    Referral,
    ReferralEvent,
    ReferralState,
)

S = ReferralState
LETTER_TEMPLATE = "documents/referral_letter.html"
LETTER_KIND = "referral"
LETTER_KIND_SHORT = "抄告"
# Who on the receiving side is told of a new referral.
RECEIVER_ROLES = (Role.LIAISON, Role.INSPECTOR)

ResultListener = Callable[[Referral, Any], None]
_listeners: list[tuple[ResultListener, type[models.Model] | None]] = []


def register_result_listener(fn: ResultListener, model: type[models.Model] | None = None) -> ResultListener:
    """Be told (inside the transaction) when a referral's result is recognised."""
    if (fn, model) not in _listeners:
        _listeners.append((fn, model))
    return fn


def today() -> dt.date:
    return timezone.localdate()


# --- the remit matrix ----------------------------------------------------------------------


ROLE_ORDER = {RemitRole.RESPONSIBLE: 0, RemitRole.LEAD: 1, RemitRole.SUPPORT: 2}


def responsible_department_for(
    domain: Domain, exclude: Department | None = None, *, include_support: bool = False
) -> Department | None:
    """The department the matrix makes answer for ``domain``: role "responsible" before "lead"
    (a lead department coordinates, the responsible one acts), ties by code; "support" only
    when asked. ``exclude`` drops the sender (a department never refers to itself)."""
    roles = [RemitRole.RESPONSIBLE, RemitRole.LEAD] + ([RemitRole.SUPPORT] if include_support else [])
    remits = Remit.objects.filter(domain=domain, role__in=roles).select_related("department")
    if exclude is not None:
        remits = remits.exclude(department=exclude)
    ranked = sorted(remits, key=lambda r: (ROLE_ORDER.get(r.role, 9), r.department.code))  # type: ignore[call-overload]
    return ranked[0].department if ranked else None


def has_remit(department: Department, domain: Domain) -> bool:
    return department.is_lead or Remit.objects.filter(department=department, domain=domain).exists()


def county_of(region: Region) -> Region:
    """The receiving body sits by default at the county (or above) of the sender's region."""
    node = region
    while node.level > RegionLevel.COUNTY and node.parent is not None:
        node = node.parent
    return node


# --- access and transitions -----------------------------------------------------------------


def can_act(user: Any, referral: Referral, step: str) -> bool:
    """Whether ``user`` may take ``step`` on ``referral`` (the policy's answer, for buttons; an
    unsaved ``Referral(from_department=…, from_region=…)`` asks whether the user may refer as
    that body)."""
    return policy.can(user, referral, step)


def _lock(referral: Referral) -> Referral:
    return (
        Referral.objects.select_for_update(of=("self",))
        .select_related("from_department", "from_region", "to_department", "to_region", "domain")
        .get(pk=referral.pk)
    )


def _move(r: Referral, to: str, step: str, actor: Any, fields: dict[str, Any], note: str = "") -> Referral:
    """One step through the transition helper: table check, changed fields saved, one audit
    entry, one ``ReferralEvent``. The caller has asked the policy on the locked row."""
    transition(
        r,
        to,
        step=step,
        actor=actor,
        table=TRANSITIONS,
        updates=fields,
        repeat=True,  # a re-routing from 已转办 to another body stays 已转办
        event=lambda obj, frm, new: ReferralEvent(
            referral=obj, step=step, from_state=frm, to_state=new, actor=_actor(actor), note=note
        ),
    )
    return r


def _actor(user: Any) -> User | None:
    return user if getattr(user, "pk", None) else None
