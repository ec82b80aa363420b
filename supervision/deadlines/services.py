"""The one small API through which domain services open and close clocks, and the sweep.

CONTRACT (stable signatures):

    deadline_open(subject, rule_code, start, *, department, region, note="") -> Deadline
        Open (idempotently: one open deadline per subject+rule) an obligation whose due
        date is computed from the rule (and its regional override) by the calendar service.
        Optional ``length=`` sets the length for rules whose period is given per case
        (e.g. ``rectification.item``: the period written in the notice).
    deadline_meet(subject, rule_code, *, by=None, at=None) -> int
        Mark the open deadlines of ``subject`` under ``rule_code`` as met by record ``by``;
        returns how many were closed.
    deadline_waive(deadline, *, reason, actor) -> Deadline
    open_deadlines_for(subject) -> QuerySet[Deadline]
    notify(users, *, title, body, url="", kind="info", deadline=None) -> list[Notification]
    rule_for(rule_code, *, region=None) -> EffectiveRule
    sweep(now=None) -> SweepResult

``subject`` is any model instance; ``department`` is a core.Department, ``region`` a
core.Region. Nothing else in the code base computes a due date.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from auditlog.context import set_actor
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.models import QuerySet
from django.utils import timezone

from supervision.core.models import LEVEL_PREFIX, Region, Role
from supervision.workcal import services as workcal

from .models import (
    LIVE_STATES,
    Deadline,
    DeadlineState,
    Notification,
    NotificationKind,
    Reminder,
    Rule,
    RuleOverride,
    StagePlan,
    Unit,
)

log = logging.getLogger(__name__)

# Who receives ordinary stages and who receives escalations (see recipients() below).
STAFF_ROLES = (Role.INSPECTOR, Role.ADMIN, Role.LIAISON)
LEADER_ROLES = (Role.LEADER,)


# --- rules ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class EffectiveRule:
    """A rule as it applies in one region: the nearest override's length/stages win."""

    rule: Rule
    unit: str
    amount: int
    stages: list[dict[str, Any]]
    override: RuleOverride | None

    @property
    def code(self) -> str:
        return self.rule.code

    @property
    def period_months(self) -> float | None:
        return round(self.amount / 30.4, 1) if self.unit == Unit.CALENDAR_DAYS else None


def ancestor_codes(region: Region) -> list[str]:
    """The region's own code and its ancestors' codes, nearest first, computed from the code."""
    codes = [region.code]
    for level in range(region.level - 1, 0, -1):
        codes.append(region.code[: LEVEL_PREFIX[level]].ljust(12, "0"))
    return codes


def rule_for(rule_code: str, *, region: Region | None = None) -> EffectiveRule:
    """The rule ``rule_code`` as it applies in ``region``; raises Rule.DoesNotExist."""
    rule = Rule.objects.get(code=rule_code)
    override = None
    if region is not None:
        codes = ancestor_codes(region)
        found = {
            o.region.code: o
            for o in RuleOverride.objects.filter(rule=rule, region__code__in=codes).select_related("region")
        }
        override = next((found[c] for c in codes if c in found), None)
    length = override.length if override and override.length is not None else rule.length
    stages = override.stages if override and override.stages is not None else rule.stages
    return EffectiveRule(rule=rule, unit=rule.unit, amount=length, stages=list(stages), override=override)


def compute_due(unit: str, start: dt.date, length: int) -> workcal.Due:
    """The due date of a clock: working days through the calendar service, calendar days by
    plain date arithmetic (never provisional)."""
    if unit == Unit.WORKING_DAYS:
        return workcal.add_workdays_ex(start, length)
    return workcal.Due(start + dt.timedelta(days=length), False)


def _stage_plan(stages: list[dict[str, Any]]) -> StagePlan:
    key = StagePlan.key_for(stages)
    plan = StagePlan.objects.filter(key=key).first()
    if plan is None:
        try:
            with transaction.atomic():
                plan = StagePlan.objects.create(key=key, stages=stages)
        except IntegrityError:
            plan = StagePlan.objects.get(key=key)
    return plan


# --- the clock API --------------------------------------------------------------------------


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
) -> Deadline:
    """Open the clock ``rule_code`` on ``subject`` from ``start``; returns the live deadline
    already open for the same subject and rule unchanged (idempotent).

    ``due`` pins the due date that an issued document states (e.g. a rectification notice):
    the document binds, so the clock is never provisional and is not recounted when a year's
    holiday schedule is published, even if the date was counted through that year."""
    if isinstance(start, dt.datetime):
        start = timezone.localtime(start).date() if timezone.is_aware(start) else start.date()
    ct, oid = _subject_ref(subject)
    existing = Deadline.objects.filter(
        content_type=ct, object_id=oid, rule__code=rule_code, state__in=LIVE_STATES
    )
    found = existing.first()
    if found is not None:
        return found
    eff = rule_for(rule_code, region=region)
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


def can_waive(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.has_role(Role.LEADER, Role.ADMIN))


def deadline_waive(deadline: Deadline, *, reason: str, actor: Any) -> Deadline:
    """Waive a live deadline with a reason (leaders and administrators only)."""
    from supervision.core.scoping import ensure_visible

    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写豁免理由"})
    if actor is not None and not can_waive(actor):
        raise ValidationError("只有领导或管理员可以豁免时限")
    with transaction.atomic(), set_actor(actor) if actor is not None else _null():
        d = Deadline.objects.select_for_update().get(pk=deadline.pk)
        if actor is not None:
            ensure_visible(actor, d)
        if d.state == DeadlineState.WAIVED:
            return d
        if d.state not in LIVE_STATES:
            raise ValidationError(f"当前状态（{d.get_state_display()}）不能豁免")
        d.state = DeadlineState.WAIVED
        d.waived_reason = reason
        d.waived_by = actor if getattr(actor, "pk", None) else None
        d.waived_at = timezone.now()
        d.save(update_fields=["state", "waived_reason", "waived_by", "waived_at", "updated_at"])
    return d


def deadline_reassign(
    subject: models.Model, rule_code: str, *, department: Any, region: Region, actor: Any = None
) -> int:
    """Hand the live deadlines of ``subject`` under ``rule_code`` to another responsible body
    (a misrouted complaint, a rerouted case). The clock keeps its start and due date; reminders
    not yet sent go to the new body. Each moved deadline is audited. Returns how many moved."""
    from supervision.core.audit import save_audited

    moved = 0
    with transaction.atomic():
        ids = open_deadlines_for(subject).filter(rule__code=rule_code).values("pk")
        for d in Deadline.objects.select_for_update().filter(pk__in=ids):
            if d.department_id == department.pk and d.region_id == region.pk:
                continue
            before = {"department": d.department, "region": d.region}
            d.department, d.region = department, region
            save_audited(d, actor, "reassign", before)
            moved += 1
    return moved


class _null:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: Any) -> None:
        return None


def open_deadlines_for(subject: models.Model) -> QuerySet[Deadline]:
    """The subject's live clocks (open or overdue), soonest due first."""
    ct, oid = _subject_ref(subject)
    return (
        Deadline.objects.filter(content_type=ct, object_id=oid, state__in=LIVE_STATES)
        .select_related("rule", "department", "region")
        .order_by("due", "pk")
    )


# --- notifications --------------------------------------------------------------------------


def notify(
    users: Iterable[Any],
    *,
    title: str,
    body: str,
    url: str = "",
    kind: str = NotificationKind.INFO,
    deadline: Deadline | None = None,
) -> list[Notification]:
    """Create one in-app notification per user (bulk) and e-mail them after commit."""
    from . import tasks

    now = timezone.now()
    seen: set[int] = set()
    rows = []
    for u in users:
        uid = getattr(u, "pk", u)
        if uid in seen:
            continue
        seen.add(uid)
        rows.append(
            Notification(
                user_id=uid,
                title=title[:200],
                body=body,
                url=url[:300],
                kind=kind,
                deadline=deadline,
                created_at=now,
            )
        )
    made = Notification.objects.bulk_create(rows, batch_size=2000)
    ids = [n.pk for n in made if n.pk]
    if ids:
        transaction.on_commit(lambda: tasks.send_notification_emails.delay(ids=ids))
    return made


def unread_count(user: Any) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notification_mark_read(user: Any, pk: int | None = None) -> int:
    """Mark one (or, without ``pk``, every) unread notification of ``user`` as read."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if pk is not None:
        qs = qs.filter(pk=pk)
    return qs.update(read_at=timezone.now())


# --- recipients -----------------------------------------------------------------------------


def staff_recipients(deadline: Deadline) -> QuerySet:
    """Ordinary stages go to the responsible department's staff at the deadline's own region."""
    from supervision.core.models import User

    return User.objects.filter(
        is_active=True,
        assignments__active=True,
        assignments__department_id=deadline.department_id,  # type: ignore[misc]
        assignments__region_id=deadline.region_id,
        assignments__role__in=STAFF_ROLES,
    ).distinct()


def leader_recipients(deadline: Deadline) -> QuerySet:
    """Escalations go to the department's leaders at the region and every ancestor region."""
    from supervision.core.models import User

    return User.objects.filter(
        is_active=True,
        assignments__active=True,
        assignments__department_id=deadline.department_id,  # type: ignore[misc]
        assignments__region__code__in=ancestor_codes(deadline.region),
        assignments__role__in=LEADER_ROLES,
    ).distinct()


# --- the sweep ------------------------------------------------------------------------------


@dataclass
class SweepResult:
    sweep_id: str
    today: dt.date
    overdue_marked: int
    claimed: int
    delivered: int
    notifications: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "sweep_id": self.sweep_id,
            "today": self.today.isoformat(),
            "overdue_marked": self.overdue_marked,
            "claimed": self.claimed,
            "delivered": self.delivered,
            "notifications": self.notifications,
        }


def fire_bound(today: dt.date, offset: int) -> dt.date:
    """The latest due date for which a stage at ``offset`` working days from due has fired by
    ``today``: the stage of a deadline fires once ``due <= fire_bound(today, offset)``.

    * offset -k (before): the k-th working day strictly before due is on or before today
      ⇔ fewer than k working days lie in (today, due) ⇔ due <= add_workdays(today, k);
    * offset 0: due <= today;
    * offset +k (after): at least k working days lie in (due, today]
      ⇔ due < the k-th working day on or before today = add_workdays(today + 1, -k).
    """
    if offset < 0:
        return workcal.add_workdays(today, -offset)
    if offset == 0:
        return today
    return workcal.add_workdays(today + dt.timedelta(days=1), -offset) - dt.timedelta(days=1)


def _plan_rows(today: dt.date) -> list[tuple[int, str, dt.date, dt.date | None, bool, bool]]:
    """(plan, stage, bound, superseding bound, escalate, last) for every stage of every plan.

    Catch-up policy: of a plan's ordinary stages only the latest fired one is delivered; an
    earlier stage whose successor has also fired (e.g. "5 days before" on an overdue clock) is
    superseded: the sweep never claims it (``due`` is at or before the successor's boundary).
    Escalation stages always go out (other people)."""
    rows = []
    for plan in StagePlan.objects.all():
        stages = sorted(plan.stages, key=lambda s: (int(s["offset"]), s["stage"]))
        ordinary = [s for s in stages if not s.get("escalate")]
        last = stages[-1]["stage"] if stages else None
        for s in stages:
            bound = fire_bound(today, int(s["offset"]))
            later = None
            if not s.get("escalate"):
                idx = ordinary.index(s)
                if idx + 1 < len(ordinary):
                    later = fire_bound(today, int(ordinary[idx + 1]["offset"]))
            rows.append((plan.pk, s["stage"], bound, later, bool(s.get("escalate")), s["stage"] == last))
    return rows


def _d(value: dt.date | None) -> Any:
    return None if value is None else connection.ops.adapt_datefield_value(value)


def _dt(value: dt.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def _table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def sweep(now: dt.datetime | None = None, *, queue: str | None = None) -> SweepResult:
    """Mark overdue clocks and claim every reminder stage that has fired, exactly once.

    A constant number of statements whatever the number of rows:
    1. one UPDATE marks open clocks past due as overdue;
    2. one SELECT loads the (few) stage plans; boundary dates are computed once in Python;
    3. one INSERT … SELECT … ON CONFLICT DO NOTHING claims every fired (deadline, stage) pair
       with this sweep's id: the unique constraint makes a second claim impossible. An ordinary
       stage whose successor has also fired (catch-up) is superseded and simply not claimed
       (``due <= successor's boundary``); boundaries only grow with time, so it never fires later;
    4. the clocks whose last stage is claimed are retired (``reminders_done``), in the same
       statement on PostgreSQL (a data-modifying CTE over the INSERT's RETURNING);
    5. one EXISTS looks for claimed reminders not yet delivered (this sweep's, or an earlier
       one's whose delivery task was lost) and, if any, ``deliver`` is queued after commit.
    Notifications and e-mail are made by ``deliver``, outside the claim."""
    from . import tasks

    now = now or timezone.now()
    today = timezone.localtime(now).date()
    sweep_id = uuid.uuid4().hex
    d_t, r_t = _table(Deadline), _table(Reminder)
    with transaction.atomic():
        overdue = Deadline.objects.filter(state=DeadlineState.OPEN, due__lt=today).update(
            state=DeadlineState.OVERDUE, updated_at=now
        )
        plan_rows = _plan_rows(today)
        claimed = 0
        if plan_rows:
            date_sql = "CAST(%s AS DATE)" if connection.vendor == "postgresql" else "%s"
            values = ", ".join([f"(%s, %s, {date_sql}, {date_sql}, %s, %s)"] * len(plan_rows))
            params: list[Any] = []
            for plan_id, stage, bound, later, esc, last in plan_rows:
                params.extend([plan_id, stage, _d(bound), _d(later), esc, last])
            max_bound = _d(max(r[2] for r in plan_rows))
            claim_sql = f"""
                INSERT INTO {r_t} (deadline_id, stage, escalate, delivered, sweep_id, sent_at, recipients)
                SELECT d.id, s.column2, s.column5, %s, %s, %s, 0
                FROM {d_t} d
                JOIN (VALUES {values}) AS s ON s.column1 = d.stage_plan_id AND d.due <= s.column3
                WHERE d.state IN (%s, %s) AND d.reminders_done = %s AND d.due <= %s
                  AND (s.column4 IS NULL OR d.due > s.column4)
                  AND NOT EXISTS (
                      SELECT 1 FROM {r_t} r WHERE r.deadline_id = d.id AND r.stage = s.column2
                  )
                ON CONFLICT (deadline_id, stage) DO NOTHING"""
            claim_params = [True, sweep_id, _dt(now), *params, "open", "overdue", False, max_bound]
            last_stages = [(r[0], r[1]) for r in plan_rows if r[5]]
            last_params = [x for pair in last_stages for x in pair]
            with connection.cursor() as cur:
                if connection.vendor == "postgresql":
                    # One statement: the claim, and the retirement of the clocks whose last stage
                    # it took, joined on what the INSERT returned, so that Reminder needs no
                    # index on sweep_id (each index entry is paid on every claimed row).
                    retire = ""
                    if last_stages:
                        cond = " OR ".join(["(d.stage_plan_id = %s AND c.stage = %s)"] * len(last_stages))
                        retire = f""", retired AS (
                            UPDATE {d_t} d SET reminders_done = %s FROM claimed c
                            WHERE d.id = c.deadline_id AND ({cond}))"""
                        last_params = [True, *last_params]
                    cur.execute(
                        f"WITH claimed AS ({claim_sql} RETURNING deadline_id, stage){retire} "
                        "SELECT COUNT(*) FROM claimed",
                        [*claim_params, *(last_params if last_stages else [])],
                    )
                    claimed = cur.fetchone()[0]
                else:
                    cur.execute(claim_sql, claim_params)
                    claimed = cur.rowcount
                    if claimed and last_stages:
                        cond = " OR ".join(["(d.stage_plan_id = %s AND r.stage = %s)"] * len(last_stages))
                        cur.execute(
                            f"""UPDATE {d_t} SET reminders_done = %s WHERE id IN (
                                SELECT r.deadline_id FROM {r_t} r JOIN {d_t} d ON d.id = r.deadline_id
                                WHERE r.sweep_id = %s AND ({cond}))""",
                            [True, sweep_id, *last_params],
                        )
        pending = bool(claimed) or Reminder.objects.filter(delivered_at__isnull=True).exists()
        if pending:
            options = {"queue": queue} if queue else {}
            transaction.on_commit(lambda: tasks.deliver.apply_async(**options))
    result = SweepResult(sweep_id, today, overdue, claimed, claimed, 0)
    if claimed or overdue:
        log.info("deadline sweep %s", result.as_dict())
    return result


def deliver(now: dt.datetime | None = None) -> tuple[str | None, int]:
    """Create the notifications of every claimed reminder not yet delivered, set-based and
    idempotent: one UPDATE claims the rows (``delivered_at`` IS NULL → this delivery's stamp;
    a concurrent delivery waits on the row locks and then finds them taken), two INSERT …
    SELECT make the notifications (UNIQUE (reminder, user) … ON CONFLICT DO NOTHING as a
    second guard), one UPDATE stores the recipient counts. Returns (stamp, notifications);
    the stamp (ISO) identifies the notifications to e-mail."""
    now = now or timezone.now()
    r_t = _table(Reminder)
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"UPDATE {r_t} SET delivered_at = %s WHERE delivered_at IS NULL", [_dt(now)])
        if not cur.rowcount:
            return None, 0
        notified = _notify_claimed(cur, now, _table(Deadline), r_t, _table(Notification))
        n_t = _table(Notification)
        cur.execute(
            f"""UPDATE {r_t} SET recipients = (
                        SELECT COUNT(*) FROM {n_t} n WHERE n.reminder_id = {r_t}.id)
                    WHERE delivered_at = %s""",
            [_dt(now)],
        )
    return now.isoformat(), notified


def _notify_claimed(cur: Any, now: dt.datetime, d_t: str, r_t: str, n_t: str) -> int:
    """Notifications for the reminders this delivery claimed (``delivered_at`` = ``now``), in
    two INSERT … SELECT … ON CONFLICT DO NOTHING statements."""
    from supervision.core.models import Assignment, User

    a_t, u_t, g_t, rule_t = _table(Assignment), _table(User), _table(Region), _table(Rule)
    concat = "||"
    body_sql = (
        f"%s {concat} rule.name {concat} %s {concat} d.subject_repr {concat} %s {concat} "
        f"CAST(d.due AS VARCHAR(10)) {concat} CASE WHEN d.provisional THEN %s ELSE %s END"
    )
    body_params = ["时限事项“", "”：", "，到期日 ", "（暂定）", ""]
    common = f"""
        INSERT INTO {n_t} (user_id, kind, title, body, url, deadline_id, reminder_id, created_at)
        SELECT DISTINCT a.user_id, %s,
               CASE WHEN d.state = %s THEN %s ELSE %s END {concat} rule.name,
               {body_sql},
               %s {concat} CAST(d.id AS VARCHAR(20)) {concat} %s,
               d.id, r.id, %s
        FROM {r_t} r
        JOIN {d_t} d ON d.id = r.deadline_id
        JOIN {rule_t} rule ON rule.id = d.rule_id
        JOIN {a_t} a ON a.department_id = d.department_id AND a.active = %s
        JOIN {u_t} u ON u.id = a.user_id AND u.is_active = %s
    """
    # The sweep marks a clock overdue before it claims the clock's stages.
    overdue = DeadlineState.OVERDUE.value
    stamp = _dt(now)
    # Ordinary stages: staff of the responsible department at the deadline's region.
    conflict = " ON CONFLICT (reminder_id, user_id) DO NOTHING"
    cur.execute(
        common
        + """ WHERE r.delivered_at = %s AND r.delivered = %s AND r.escalate = %s
              AND a.region_id = d.region_id AND a.role IN (%s, %s, %s)"""
        + conflict,
        [
            NotificationKind.REMINDER,
            overdue,
            "【已逾期】",
            "【到期提醒】",
            *body_params,
            "/deadlines/",
            "/",
            stamp,
            True,
            True,
            stamp,
            True,
            False,
            *STAFF_ROLES,
        ],
    )
    total = cur.rowcount
    # Escalations: the department's leaders at the region and every ancestor region.
    cur.execute(
        common
        + f""" JOIN {g_t} dr ON dr.id = d.region_id
              JOIN {g_t} ar ON ar.id = a.region_id
              WHERE r.delivered_at = %s AND r.delivered = %s AND r.escalate = %s AND a.role = %s
              AND ar.level <= dr.level
              AND SUBSTR(dr.code, 1, {_prefix_len("ar.level")}) =
                  SUBSTR(ar.code, 1, {_prefix_len("ar.level")})"""
        + conflict,
        [
            NotificationKind.ESCALATION,
            overdue,
            "【逾期督办】",
            "【逾期督办】",
            *body_params,
            "/deadlines/",
            "/",
            stamp,
            True,
            True,
            stamp,
            True,
            True,
            Role.LEADER,
        ],
    )
    total += cur.rowcount
    return total


def _prefix_len(col: str) -> str:
    """The significant code-prefix length of a region level, as SQL for PostgreSQL and SQLite."""
    return f"CASE {col} " + " ".join(f"WHEN {lvl} THEN {n}" for lvl, n in LEVEL_PREFIX.items()) + " END"


# --- publishing a year's holiday schedule -----------------------------------------------------


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


__all__ = [
    "EffectiveRule",
    "SweepResult",
    "compute_due",
    "deadline_meet",
    "deadline_open",
    "deadline_waive",
    "deliver",
    "fire_bound",
    "notify",
    "open_deadlines_for",
    "recompute_provisional",
    "rule_for",
    "sweep",
]
