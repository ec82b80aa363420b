"""What every rectification procedure shares: the day, the county of a region, the post a new
notice or penalty is issued under, the scope re-check and the credit feed."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import models
from django.utils import timezone

from institutions.models import Institution
from supervision.core import policy
from supervision.core.models import Assignment, Department, Region, Role, User
from supervision.core.scoping import ensure_visible
from supervision.deadlines import services as deadlines

log = logging.getLogger("inspections.rectification.services")


def today() -> dt.date:
    return timezone.localdate()


def county_of(region: Region) -> Region:
    node = region
    while node.level > 3 and node.parent is not None:
        node = node.parent
    return node


def visible(actor: Any, obj: models.Model) -> None:
    """Re-check scope inside a write (404 out of scope). The system sees everything; a missing
    or anonymous actor is left to ``policy.require``, which refuses it."""
    if actor is policy.SYSTEM or actor is None or not getattr(actor, "is_authenticated", False):
        return
    ensure_visible(actor, obj)


def issuing_post(user: Any, institution: Institution) -> Assignment | None:
    """Which of the user's posts a new notice or penalty for ``institution`` is issued under:
    the first acting post whose jurisdiction contains the institution (the lead department
    first). It only picks the department and region written on the new row; whether the user
    may issue at all is ``policy.require`` on that row's rules."""
    if user is None or policy.is_system(user) or not getattr(user, "is_authenticated", False):
        return None
    posts = sorted(user.active_assignments(), key=lambda a: (not a.department.is_lead, a.pk))
    for a in posts:
        if a.role in policy.ACTING and institution.region.code.startswith(a.region.prefix):
            return a
    return None


def credit(institution: Institution, kind: str, **kwargs: Any) -> None:
    """Feed a fact to the credit ledger; an institution without a credit code (未登记) has no
    ledger key, so the fact is skipped and logged. ``entered_by`` is stored as a user (None for
    the system)."""
    from credit.services import record_fact

    if "entered_by" in kwargs:
        kwargs["entered_by"] = policy.as_user(kwargs["entered_by"])
    if not institution.credit_code:
        log.info("credit fact %s skipped: %s has no credit code", kind, institution.pk)
        return
    record_fact(institution.credit_code, kind, **kwargs)


def leaders_of(department: Department, region: Region) -> models.QuerySet[User]:
    return User.objects.filter(
        is_active=True,
        assignments__active=True,
        assignments__department=department,
        assignments__role=Role.LEADER,
        assignments__region__code__in=deadlines.ancestor_codes(region),
    ).distinct()
