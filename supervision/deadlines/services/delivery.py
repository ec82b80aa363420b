"""Delivery of claimed reminders (notifications made set-based, exactly once) and the stage
handlers apps register for what happens when a stage comes due."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from supervision.core.models import LEVEL_PREFIX, Region, Role

from ..models import Deadline, DeadlineState, Notification, NotificationKind, Reminder, Rule
from .notifications import STAFF_ROLES
from .sweeps import _dt, _table

# --- stage handlers ----------------------------------------------------------------------------
# What happens when a stage comes due (an escalation that drafts a suspension order, a listing
# period that ends) is registered here by the app that owns the subject, never decided by a
# comparison of copied dates elsewhere. Handlers run in the delivery that claims the stage's
# reminder, in its transaction, exactly once per (deadline, stage) as the reminder itself; they
# must still be idempotent (a no-op guard on their own row), because a delivery that fails is
# retried as a whole.
StageHandler = Callable[[Deadline, str, dt.datetime], Any]
_stage_handlers: dict[tuple[str, str], list[StageHandler]] = {}


def register_stage_handler(rule_code: str, stage: str) -> Callable[[StageHandler], StageHandler]:
    """Decorator: call ``fn(deadline, stage, now)`` when ``stage`` of a ``rule_code`` clock fires.
    ``stage`` is a stage name of the rule's plan, or ``"*escalate"`` for any escalation stage."""

    def wrap(fn: StageHandler) -> StageHandler:
        _stage_handlers.setdefault((rule_code, stage), []).append(fn)
        return fn

    return wrap


def _run_stage_handlers(now: dt.datetime) -> int:
    """Run the handlers of the reminders this delivery claimed (``delivered_at`` = ``now``)."""
    if not _stage_handlers:
        return 0
    codes = {code for code, _stage in _stage_handlers}
    claimed = (
        Reminder.objects.filter(delivered_at=now, deadline__rule__code__in=codes)
        .select_related("deadline", "deadline__rule")
        .order_by("pk")
    )
    ran = 0
    for reminder in claimed:
        code = reminder.deadline.rule.code
        handlers = list(_stage_handlers.get((code, reminder.stage), ()))
        if reminder.escalate:
            handlers += _stage_handlers.get((code, "*escalate"), ())
        for handler in handlers:
            handler(reminder.deadline, reminder.stage, now)
            ran += 1
    return ran


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
        cur.execute(f"UPDATE {r_t} SET delivered_at = %s WHERE delivered_at IS NULL", [_dt(now)])  # nosec B608 # tables from _meta, values bound
        if not cur.rowcount:
            return None, 0
        notified = _notify_claimed(cur, now, _table(Deadline), r_t, _table(Notification))
        _run_stage_handlers(now)
        n_t = _table(Notification)
        cur.execute(
            f"""UPDATE {r_t} SET recipients = (
                        SELECT COUNT(*) FROM {n_t} n WHERE n.reminder_id = {r_t}.id)
                    WHERE delivered_at = %s""",  # nosec B608 # tables from _meta, values bound
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
    """  # nosec B608 # tables from _meta, values bound
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
