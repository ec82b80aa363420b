"""What the listing procedure shares: the region's policy, the proposing department, locks, steps."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from institutions.models import (
    Institution,
)
from supervision.core import policy
from supervision.core.models import Department, Domain, Region, RegionLevel, Remit, RemitRole
from supervision.core.transitions import transition

from ...models import (
    GROUNDS,
    TRANSITIONS,
    ListingPolicy,
    ListingProposal,
    ProposalEvent,
)
from ..ledger import _domain

log = logging.getLogger(__name__)


# --- the listing procedure -------------------------------------------------------------------


def policy_for(region: Any) -> ListingPolicy:
    """The nearest policy at or above ``region``; the national default row; built-in defaults."""
    chain = [r.pk for r in region.ancestors()] if region is not None else []
    rows = {
        p.region_id: p
        for p in ListingPolicy.objects.filter(models.Q(region_id__in=chain) | models.Q(region=None))
    }
    for pk in chain:
        if pk in rows:
            return rows[pk]
    return rows.get(None) or ListingPolicy()


def _posts(actor: Any) -> list[Any]:
    return list(getattr(actor, "active_assignments", list)())


def _county(region: Region) -> Region:
    """The county (县级) at or above ``region``: where the listing department sits."""
    return next((r for r in region.ancestors() if r.level <= RegionLevel.COUNTY), region)


def _proposing_department(actor: Any, region: Region, domain: Domain | None) -> Department | None:
    """谁监管、谁列入: the department a proposal is made in — the actor's lead-department post
    over the place, else its post whose remit covers the ground's domain; the system and a
    superuser propose for the lead department (the registry keeper). Which department proposes
    is data; whether the actor may propose at all is the policy's (``propose``)."""
    covering = [
        a for a in _posts(actor) if a.role in policy.ACTING and region.code.startswith(a.region.prefix)
    ]
    for a in covering:
        if a.department.is_lead:
            return a.department
    if domain is not None:
        for a in covering:
            if Remit.objects.filter(
                department=a.department, domain=domain, role__in=[RemitRole.LEAD, RemitRole.RESPONSIBLE]
            ).exists():
                return a.department
    lead = Department.objects.filter(is_lead=True).order_by("code").first()
    return lead or (covering[0].department if covering else None)


def grounds_for(actor: Any, institution: Institution) -> list[str]:
    """The grounds ``actor`` may propose a listing of ``institution`` on (谁监管、谁列入): what
    the proposal page offers, and what its gate asks before the form is read."""
    allowed = []
    for ground, spec in GROUNDS.items():
        candidate = ListingProposal(
            institution=institution, region=institution.region, domain=_domain(spec.domain)
        )
        if policy.can(actor, candidate, "propose"):
            allowed.append(ground)
    return allowed


def _issuer(actor: Any, p: ListingProposal) -> tuple[Department, Region]:
    """The body a decision is issued (and numbered) under: the deciding leader's post of the
    proposing department over the institution; for the system or a superuser, the proposing
    department at the institution's county."""
    for a in _posts(actor):
        if (
            a.role in policy.LEADERS
            and a.department_id == p.department_id
            and p.region.code.startswith(a.region.prefix)
        ):
            return a.department, a.region
    return p.department, _county(p.region)


def _not_before(on: dt.date, earlier: dt.date | None, what: str) -> None:
    """A step is dated on or after the step before it (the dates are entered by staff)."""
    if earlier is not None and on < earlier:
        raise ValidationError(
            f"办理日期 {on:%Y-%m-%d} 早于{what}日期 {earlier:%Y-%m-%d}，请核对日期。", code="date_order"
        )


def _lock(proposal: ListingProposal) -> ListingProposal:
    return (
        ListingProposal.objects.select_for_update(of=("self",))
        .select_related("institution", "region", "department")
        .get(pk=proposal.pk)
    )


def _forget_clock(p: ListingProposal) -> ListingProposal:
    """Drop the instance's cached objection clock once the service has moved it."""
    for key in ("_objection_clock", "_objection_due", "_objection_due_provisional"):
        p.__dict__.pop(key, None)
    return p


def _step(
    p: ListingProposal, to: str, step: str, actor: Any, fields: dict[str, Any], note: str = ""
) -> ListingProposal:
    """Move ``p`` (locked, the policy already asked) through the one transition helper: the
    table's check, the audited save of the changed fields, one ``ProposalEvent``."""
    transition(
        p,
        to,
        step=step,
        actor=actor,
        table=TRANSITIONS,
        updates=fields,
        event=lambda obj, frm, target: ProposalEvent(
            proposal=obj, step=step, from_state=frm, to_state=target, actor=policy.as_user(actor), note=note
        ),
    )
    return p
