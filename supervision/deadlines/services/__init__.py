"""The one small API through which domain services open and close clocks, and the sweep.

CONTRACT (stable signatures):

    deadline_open(subject, rule_code, start, *, department, region, note="", case="") -> Deadline
        Open (idempotently: one open deadline per subject+rule) an obligation whose due
        date is computed from the rule (its regional override, and its case override when
        ``case`` is given) by the calendar service. Optional ``length=`` sets the length for
        rules whose period is given per case (e.g. ``rectification.item``: the period written
        in the notice).
    deadline_meet(subject, rule_code, *, by=None, at=None) -> int
        Mark the open deadlines of ``subject`` under ``rule_code`` as met by record ``by``;
        returns how many were closed.
    deadline_waive(deadline, *, reason, actor) -> Deadline
    deadline_reassign(subject, rule_code, *, department, region, actor) -> int
        Both ask the write policy (``Deadline.write_rules``); a procedure closing or handing on
        its own clocks under its own rule passes ``policy.SYSTEM``.
    open_deadlines_for(subject) -> QuerySet[Deadline]
    notify(users, *, title, body, url="", kind="info", deadline=None) -> list[Notification]
    rule_for(rule_code, *, region=None, case="") -> EffectiveRule
    sweep(now=None) -> SweepResult
    register_stage_handler(rule_code, stage) -> decorator

``subject`` is any model instance; ``department`` is a core.Department, ``region`` a
core.Region. Nothing else in the code base computes a due date.

One module per concern: ``rules`` (rules as they apply, due dates), ``clocks`` (the clock API),
``sweeps`` (claiming fired stages), ``delivery`` (notifications of claimed stages, stage
handlers), ``notifications`` (the notification centre and recipients). This package
re-exports them, so callers import from ``supervision.deadlines.services``.
"""

from __future__ import annotations

from . import clocks, delivery, notifications, rules, sweeps
from .clocks import (
    _null,
    _subject_ref,
    _user,
    deadline_meet,
    deadline_open,
    deadline_reassign,
    deadline_waive,
    open_deadlines_for,
    recompute_provisional,
)
from .delivery import (
    StageHandler,
    _notify_claimed,
    _prefix_len,
    _run_stage_handlers,
    _stage_handlers,
    deliver,
    register_stage_handler,
)
from .notifications import (
    LEADER_ROLES,
    STAFF_ROLES,
    leader_recipients,
    notification_mark_read,
    notify,
    staff_recipients,
    unread_count,
)
from .rules import EffectiveRule, _nearest, _stage_plan, ancestor_codes, compute_due, rule_for
from .sweeps import SweepResult, _d, _dt, _plan_rows, _table, fire_bound, sweep

__all__ = [
    "LEADER_ROLES",
    "STAFF_ROLES",
    "EffectiveRule",
    "StageHandler",
    "SweepResult",
    "_d",
    "_dt",
    "_nearest",
    "_notify_claimed",
    "_null",
    "_plan_rows",
    "_prefix_len",
    "_run_stage_handlers",
    "_stage_handlers",
    "_stage_plan",
    "_subject_ref",
    "_table",
    "_user",
    "ancestor_codes",
    "clocks",
    "compute_due",
    "deadline_meet",
    "deadline_open",
    "deadline_reassign",
    "deadline_waive",
    "deliver",
    "delivery",
    "fire_bound",
    "leader_recipients",
    "notification_mark_read",
    "notifications",
    "notify",
    "open_deadlines_for",
    "recompute_provisional",
    "register_stage_handler",
    "rule_for",
    "rules",
    "staff_recipients",
    "sweep",
    "sweeps",
    "unread_count",
]
