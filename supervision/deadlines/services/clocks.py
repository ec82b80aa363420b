"""The clock API domain services call: open, meet, waive, reassign, and the live clocks of a
subject; and the recount of provisional due dates once a year's holidays are published."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from auditlog.context import set_actor
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import QuerySet
from django.utils import timezone

from supervision.core import policy
from supervision.core.models import Region
from supervision.workcal import services as workcal

from ..models import LIVE_STATES, Deadline, DeadlineState, NotificationKind, Unit
from .notifications import notify, staff_recipients
from .rules import _stage_plan, compute_due, rule_for

log = logging.getLogger("supervision.deadlines.services")


def _subject_ref(subject: models.Model) -> tuple[ContentType, int]:
    return ContentType.objects.get_for_model(subject, for_concrete_model=False), int(subject.pk)


def deadline_open(
    subject: models.Model,
    rule_code: str,
    start: dt.date,
    *,
    department: Any,
    region: Region,
    note: str = "",
    length: int | None = None,
    due: dt.date | None = None,
    case: str = "",
) -> Deadline:
    """Open the clock ``rule_code`` on ``subject`` from ``start``; returns the live deadline
    already open for the same subject and rule unchanged (idempotent).

    ``case`` names a case the rule has its own period for (``RuleOverride.case``, e.g. a key
    fire unit's half-yearly fire drill). ``due`` pins the due date that an issued document
    states (e.g. a rectification notice): the document binds, so the clock is never provisional
    and is not recounted when a year's holiday schedule is published, even if the date was
    counted through that year."""
    if isinstance(start, dt.datetime):
        start = timezone.localtime(start).date() if timezone.is_aware(start) else start.date()
    ct, oid = _subject_ref(subject)
    existing = Deadline.objects.filter(
        content_type=ct, object_id=oid, rule__code=rule_code, state__in=LIVE_STATES
    )
    found = existing.first()
    if found is not None:
        return found
    eff = rule_for(rule_code, region=region, case=case)
    rule = eff.rule
    if not rule.active:
        raise ValidationError(f"时限规则 {rule_code} 已停用")
    if (rule.effective_from and start < rule.effective_from) or (
        rule.effective_to and start > rule.effective_to
    ):
        raise ValidationError(f"时限规则 {rule_code} 在 {start:%Y-%m-%d} 不生效")
    amount = eff.amount if length is None else int(length)
    if due is not None and due < start:
        raise ValidationError(f"到期日 {due:%Y-%m-%d} 不能早于起算日 {start:%Y-%m-%d}")
    computed = workcal.Due(due, False) if due is not None else compute_due(eff.unit, start, amount)
    plan = _stage_plan(eff.stages)
    try:
        with transaction.atomic():
            return Deadline.objects.create(
                content_type=ct,
                object_id=oid,
                subject_repr=str(subject)[:200],
                rule=rule,
                rule_version=rule.version,
                unit=eff.unit,
                length=amount,
                stage_plan=plan,
                start=start,
                due=computed.due,
                provisional=computed.provisional,
                pinned=due is not None,
                department=department if department is not None else rule.department,
                region=region,
                note=note[:300],
            )
    except IntegrityError:
        # A concurrent open of the same clock won the partial unique constraint.
        return existing.get()


def deadline_meet(
    subject: models.Model, rule_code: str, *, by: models.Model | None = None, at: Any = None
) -> int:
    """Close the live deadlines of ``subject`` under ``rule_code`` as met by record ``by``."""
    ct, oid = _subject_ref(subject)
    if at is None:
        met_at = timezone.now()
    elif isinstance(at, dt.datetime):
        met_at = at if timezone.is_aware(at) else timezone.make_aware(at)
    else:
        met_at = timezone.make_aware(dt.datetime.combine(at, dt.time(12, 0)))
    closed = 0
    with transaction.atomic():
        rows = Deadline.objects.select_for_update().filter(
            content_type=ct, object_id=oid, rule__code=rule_code, state__in=LIVE_STATES
        )
        for d in rows:
            d.state = DeadlineState.MET
            d.met_at = met_at
            if by is not None:
                d.met_by_type = ContentType.objects.get_for_model(by, for_concrete_model=False)
                d.met_by_id = by.pk
                d.met_by_repr = str(by)[:200]
            d.save(update_fields=["state", "met_at", "met_by_type", "met_by_id", "met_by_repr", "updated_at"])
            closed += 1
    return closed


class _null:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: Any) -> None:
        return None


def _user(actor: Any) -> Any:
    """The user to record (audit actor, ``waived_by``): None for the system."""
    return actor if getattr(actor, "pk", None) else None


def deadline_waive(deadline: Deadline, *, reason: str, actor: Any) -> Deadline:
    """Waive a live deadline with a reason: leaders and administrators of the clock's responsible
    department over its region (``Deadline.write_rules``), or the system for a procedure that
    closes its own clocks under its own rule."""
    user = _user(actor)
    with transaction.atomic(), set_actor(user) if user is not None else _null():
        d = (
            Deadline.objects.select_for_update(of=("self",))
            .select_related("region", "department")
            .get(pk=deadline.pk)
        )
        policy.require(actor, d, "waive")
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError({"reason": "请填写豁免理由"})
        if d.state == DeadlineState.WAIVED:
            return d
        if d.state not in LIVE_STATES:
            raise ValidationError(f"当前状态（{d.get_state_display()}）不能豁免")
        d.state = DeadlineState.WAIVED
        d.waived_reason = reason
        d.waived_by = user
        d.waived_at = timezone.now()
        d.save(update_fields=["state", "waived_reason", "waived_by", "waived_at", "updated_at"])
    return d


def deadline_reassign(
    subject: models.Model, rule_code: str, *, department: Any, region: Region, actor: Any
) -> int:
    """Hand the live deadlines of ``subject`` under ``rule_code`` to another responsible body
    (a misrouted complaint, a rerouted case). The clock keeps its start and due date; reminders
    not yet sent go to the new body. Each moved deadline is audited. Returns how many moved.

    Administrators of the clock's department reassign (``Deadline.write_rules``); a procedure
    that hands its own case on under its own rule calls this as the system."""
    from supervision.core.audit import save_audited

    moved = 0
    with transaction.atomic():
        policy.require_ever(actor, Deadline, "reassign")
        ids = open_deadlines_for(subject).filter(rule__code=rule_code).values("pk")
        for d in (
            Deadline.objects.select_for_update(of=("self",))
            .select_related("region", "department")
            .filter(pk__in=ids)
        ):
            policy.require(actor, d, "reassign")
            if d.department_id == department.pk and d.region_id == region.pk:
                continue
            before = {"department": d.department, "region": d.region}
            d.department, d.region = department, region
            save_audited(d, _user(actor), "reassign", before)
            moved += 1
    return moved


def open_deadlines_for(subject: models.Model) -> QuerySet[Deadline]:
    """The subject's live clocks (open or overdue), soonest due first."""
    ct, oid = _subject_ref(subject)
    return (
        Deadline.objects.filter(content_type=ct, object_id=oid, state__in=LIVE_STATES)
        .select_related("rule", "department", "region")
        .order_by("due", "pk")
    )


def recompute_provisional(year: int) -> int:
    """Schedule listener: recompute the provisional due dates of live working-day clocks now
    that ``year``'s holiday schedule is published; each change is saved (audited) and the
    responsible people are notified. Returns the number of changed deadlines."""
    changed = 0
    rows = (
        Deadline.objects.select_for_update()
        .filter(
            state__in=LIVE_STATES, provisional=True, pinned=False, unit=Unit.WORKING_DAYS, due__year__gte=year
        )
        .select_related("rule", "region")
    )
    for d in rows:
        due = compute_due(d.unit, d.start, d.length)
        if (due.due, due.provisional) == (d.due, d.provisional):
            continue
        old = d.due
        d.due, d.provisional = due.due, due.provisional
        if d.state == DeadlineState.OVERDUE and d.due >= timezone.localdate():
            d.state = DeadlineState.OPEN
        d.save(update_fields=["due", "provisional", "state", "updated_at"])
        changed += 1
        if old != d.due:
            notify(
                staff_recipients(d),
                title=f"【期限调整】{d.rule.name}",
                body=(
                    f"{year} 年放假安排公布后，“{d.subject_repr}”的到期日"
                    f"由 {old:%Y-%m-%d} 调整为 {d.due:%Y-%m-%d}。"
                ),
                url=d.get_absolute_url(),
                kind=NotificationKind.RECOMPUTED,
                deadline=d,
            )
    if changed:
        log.info("recomputed %s provisional deadlines after publishing %s", changed, year)
    return changed
