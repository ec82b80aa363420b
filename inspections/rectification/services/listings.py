"""挂牌督办 of a 重大 hazard: civil affairs opens it (the lead department coordinates), the
hazard's department or civil affairs reports progress and closes it. Its period is a clock of
the deadline engine (``listing.supervision``): opened with the listing, met at closure, reminded
and escalated by the engine like every other clock."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from inspections.models import Finding, Severity
from supervision.core import policy
from supervision.core.audit import create_audited
from supervision.core.transitions import transition
from supervision.deadlines import services as deadlines

from ..models import LISTING_RULE, LISTING_TRANSITIONS, ListedSupervision, ListingProgress, ListingStatus
from .common import county_of, today, visible
from .notices import clock_length


def listing_open(
    finding: Finding,
    *,
    actor: Any,
    supervising_body: str,
    deadline: dt.date | None = None,
    on: dt.date | None = None,
) -> ListedSupervision:
    """挂牌督办 a 重大 hazard: the supervising government body and the period. The listing's
    clock opens at once: pinned to ``deadline`` when the listing document states one (the
    document binds), else counted from ``on`` by the rule (house default, regional overrides)."""
    visible(actor, finding)
    policy.require(
        actor,
        ListedSupervision,
        "open",
        region=finding.institution.region,
        department=finding.supervising_department,
        domain=finding.domain,
    )
    errors: dict[str, str] = {}
    if finding.severity != Severity.MAJOR:
        errors["finding"] = "只有重大隐患才能挂牌督办。"
    if not (supervising_body or "").strip():
        errors["supervising_body"] = "请填写挂牌督办机关。"
    on = on or today()
    if deadline is not None and deadline <= on:
        errors["deadline"] = "督办期限须晚于挂牌日期。"
    if errors:
        raise ValidationError(errors)
    region = county_of(finding.institution.region)
    with transaction.atomic():
        existing = ListedSupervision.objects.select_for_update().filter(finding=finding).first()
        if existing is not None:
            return existing
        eff = deadlines.rule_for(LISTING_RULE, region=region)
        if deadline is None:
            length, due = eff.amount, None
            deadline = deadlines.compute_due(eff.unit, on, length).due
        else:
            length, due = clock_length(eff.unit, on, deadline), deadline
        listing = create_audited(
            ListedSupervision(
                finding=finding,
                department=finding.supervising_department,
                supervising_body=supervising_body.strip(),
                deadline=deadline,  # what the listing states; overdue is the clock's to say
                listed_on=on,
                created_by=policy.as_user(actor),
            ),
            actor,
            "list",
        )
        deadlines.deadline_open(
            listing,
            LISTING_RULE,
            on,
            department=listing.department,
            region=region,
            note=f"{listing.supervising_body} 挂牌督办：{finding.description[:60]}",
            length=length,
            due=due,
        )
    return listing


def _lock_listing(listing: ListedSupervision) -> ListedSupervision:
    return (
        ListedSupervision.objects.select_for_update(of=("self",))
        .select_related("department", "finding__institution__region", "finding__domain")
        .get(pk=listing.pk)
    )


def listing_progress_add(
    listing: ListedSupervision, *, actor: Any, text: str, on: dt.date | None = None
) -> ListingProgress:
    """A progress report (督办进展) on an open listing."""
    visible(actor, listing)
    with transaction.atomic():
        listing = _lock_listing(listing)
        policy.require(actor, listing, "progress")
        text = (text or "").strip()
        if not text:
            raise ValidationError({"text": "请填写整改进展。"})
        if listing.status != ListingStatus.OPEN:
            raise ValidationError("挂牌督办已销号，不能再报告进展。")
        return create_audited(
            ListingProgress(
                listing=listing,
                text=text,
                reported_on=on or today(),
                reported_by=policy.as_user(actor),
            ),
            actor,
            "progress",
        )


def listing_close(
    listing: ListedSupervision, *, actor: Any, note: str, on: dt.date | None = None
) -> ListedSupervision:
    """销号: closure of the listed supervision with its note; meets the listing's clock."""
    visible(actor, listing)
    with transaction.atomic():
        listing = _lock_listing(listing)
        policy.require(actor, listing, "close")
        if listing.status == ListingStatus.CLOSED:
            return listing
        note = (note or "").strip()
        if not note:
            raise ValidationError({"note": "请填写销号说明（整改验收情况）。"})
        closed_on = on or today()
        listing, _changed = transition(
            listing,
            ListingStatus.CLOSED,
            step="close",
            actor=actor,
            table=LISTING_TRANSITIONS,
            field="status",
            updates={"closed_on": closed_on, "closure_note": note, "closed_by": policy.as_user(actor)},
        )
        deadlines.deadline_meet(listing, LISTING_RULE, by=listing, at=closed_on)
    return listing
