"""Routing and handling: route, reassign, start, merge, reply within the clock, close, inspect."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from supervision.core import policy
from supervision.core.models import Department, Region
from supervision.core.scoping import ensure_visible
from supervision.core.transitions import transition
from supervision.deadlines.services import deadline_meet, deadline_open, deadline_reassign

from ...ledger import feed_credit
from ..models import (
    TRANSITIONS,
    UPHELD_OUTCOMES,
    Complaint,
    Outcome,
    State,
)
from .common import RULE, _event, _lock, _public_changed, _save_step, county_of, route_for

# --- routing and handling --------------------------------------------------------------------


def complaint_route(complaint: Complaint, *, actor: Any) -> Complaint:
    """Route a received complaint by the remit matrix and open its feedback clock (the system's
    step, on receipt)."""
    with transaction.atomic():
        c = _lock(complaint)
        policy.require(actor, c, "route")
        if c.state != State.RECEIVED:
            return c
        dept, region, why = route_for(c.domain, c.region)
        deadline = deadline_open(c, RULE, c.received_at, department=dept, region=region, note=c.tracking_code)
        transition(
            c,
            State.ASSIGNED,
            step="route",
            actor=actor,
            table=TRANSITIONS,
            updates={"handling_department": dept, "handling_region": region, "feedback_due": deadline.due},
            event=_event("route", actor, why),
            on_commit=[_public_changed],
        )
    return c


def complaint_reassign(
    complaint: Complaint,
    *,
    actor: Any,
    to_department: Department,
    reason: str,
    to_region: Region | None = None,
) -> Complaint:
    """Send a misrouted complaint to another department, with the reason: the handling
    department or the lead department (民政牵头). The feedback clock keeps its start (the
    citizen's 5 days do not restart) and moves to the new department."""
    with transaction.atomic():
        c = _lock(complaint)
        policy.require(actor, c, "reassign")
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError({"reason": "请填写改派理由。"})
        to_region = to_region or c.handling_region or county_of(c.region)
        if c.handling_department_id == to_department.pk and c.handling_region_id == to_region.pk:
            return c
        from_dept = c.handling_department
        updates = {"handling_department": to_department, "handling_region": to_region}
        if c.state == State.ASSIGNED:  # (assigned, assigned) is the table's "reassign"
            _save_step(c, actor, "reassign", updates, reason, from_department=from_dept)
        else:  # in progress → assigned; any other state is refused by the table
            transition(
                c,
                State.ASSIGNED,
                step="reassign",
                actor=actor,
                table=TRANSITIONS,
                updates=updates,
                event=_event("reassign", actor, reason, from_department=from_dept),
            )
        # The clock follows its case: the reassignment was authorised by the complaint's own
        # rule above, so the system hands the feedback clock on with it.
        deadline_reassign(c, RULE, department=to_department, region=to_region, actor=policy.SYSTEM)
    return c


def complaint_start(complaint: Complaint, *, actor: Any) -> Complaint:
    """The handling department starts work on it (办理中)."""
    with transaction.atomic():
        c = _lock(complaint)
        policy.require(actor, c, "start")
        if c.state == State.IN_PROGRESS:
            return c
        transition(
            c,
            State.IN_PROGRESS,
            step="start",
            actor=actor,
            table=TRANSITIONS,
            event=_event("start", actor),
            on_commit=[_public_changed],
        )
    return c


def complaint_merge(duplicate: Complaint, into: Complaint, *, actor: Any) -> Complaint:
    """Merge a duplicate into the complaint that will be answered; the duplicate's complainant
    sees the reply of ``into`` with their own tracking code, and its clock is met by ``into``."""
    if duplicate.pk == into.pk:
        raise ValidationError("不能与自身合并。")
    with transaction.atomic():
        c = _lock(duplicate)
        policy.require(actor, c, "merge")
        target = _lock(into)
        if not policy.is_system(actor):
            ensure_visible(actor, target)
        if c.state == State.MERGED and c.merged_into_id == target.pk:
            return c
        while target.merged_into_id is not None:  # merge into the surviving complaint
            target = Complaint.objects.get(pk=target.merged_into_id)
        if target.pk == c.pk:
            raise ValidationError("不能合并到已合并至本件的投诉。")
        transition(
            c,
            State.MERGED,
            step="merge",
            actor=actor,
            table=TRANSITIONS,
            updates={"merged_into": target},
            event=_event("merge", actor, f"合并至 {target.tracking_code}"),
            on_commit=[_public_changed],
        )
        Complaint.objects.filter(merged_into=c).update(merged_into=target)
        deadline_meet(c, RULE, by=target)
    return c


def complaint_reply(
    complaint: Complaint,
    *,
    actor: Any,
    findings: str,
    reply: str,
    outcome: str = "",
    at: dt.datetime | None = None,
) -> Complaint:
    """Record the findings, the verification outcome and the reply (the complainant sees the
    reply); meets the clock. An upheld complaint (属实/部分属实) against a registered institution
    enters its credit record."""
    findings, reply = (findings or "").strip(), (reply or "").strip()
    with transaction.atomic():
        c = _lock(complaint)
        policy.require(actor, c, "reply")
        errors = {}
        if outcome and outcome not in Outcome.values:
            errors["outcome"] = "查证结论无效。"
        if not findings:
            errors["findings"] = "请填写核查情况。"
        if not reply:
            errors["reply"] = "请填写答复意见。"
        if errors:
            raise ValidationError(errors)
        if c.state == State.REPLIED:
            if c.reply == reply:
                return c
            raise ValidationError(
                f"当前状态为“{c.get_state_display()}”，不能再次答复。", code="transition_not_allowed"
            )
        replied_at = at or timezone.now()
        transition(
            c,
            State.REPLIED,
            step="reply",
            actor=actor,
            table=TRANSITIONS,
            updates={"findings": findings, "reply": reply, "replied_at": replied_at, "outcome": outcome},
            event=_event("reply", actor),
            on_commit=[_public_changed],
        )
        deadline_meet(c, RULE, by=c, at=c.replied_at)
        if outcome in UPHELD_OUTCOMES and c.institution is not None:
            feed_credit(
                c.institution,
                "complaint_upheld",
                title=f"投诉举报查证{Outcome(outcome).label}：{c.get_category_display() or '其他'}",
                source=c,
                document=c.hotline_number or c.tracking_code,
                effective=timezone.localtime(c.replied_at).date(),
                domain=c.domain,
                department=c.handling_department,
                entered_by=policy.as_user(actor),
            )
    return c


def complaint_close(complaint: Complaint, *, actor: Any) -> Complaint:
    """办结 a replied complaint."""
    with transaction.atomic():
        c = _lock(complaint)
        policy.require(actor, c, "close")
        if c.state == State.CLOSED:
            return c
        transition(
            c,
            State.CLOSED,
            step="close",
            actor=actor,
            table=TRANSITIONS,
            event=_event("close", actor),
            on_commit=[_public_changed],
        )
    return c


def complaint_launch_inspection(
    complaint: Complaint, *, actor: Any, team: Iterable[Any], scheduled_on: dt.date | None = None
) -> Any:
    """Open a complaint-triggered, unannounced inspection of the institution through the
    inspections service (which checks the team of at least two officers and the scope)."""
    from inspections.models import InspectionKind
    from inspections.services import inspection_create

    with transaction.atomic():
        c = _lock(complaint)
        policy.require(actor, c, "inspect")
        if c.inspection_id is not None:
            return c.inspection
        if c.institution_id is None:
            raise ValidationError("投诉未关联到已登记的机构，请先在投诉中确认机构。")
        if not c.is_open:
            raise ValidationError("投诉已答复或办结，不能再发起核查检查。")
        inspection = inspection_create(
            c.institution,  # type: ignore[arg-type]
            actor=actor,
            kind=InspectionKind.COMPLAINT,
            department=c.handling_department,
            team=team,
            scheduled_on=scheduled_on,
        )
        note = f"发起投诉核查检查 #{inspection.pk}"
        if c.state == State.ASSIGNED:  # the inspection starts the handling
            transition(
                c,
                State.IN_PROGRESS,
                step="start",
                actor=actor,
                table=TRANSITIONS,
                updates={"inspection": inspection},
                event=_event("inspect", actor, note),
            )
        else:
            _save_step(c, actor, "inspect", {"inspection": inspection}, note)
    return inspection
