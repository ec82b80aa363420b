"""What any department may report about an institution in its jurisdiction (000 (五), 003 6.):
emergency plans, drills (which run the drill clocks) and incident reports.

Drill clocks: ``drill.half_yearly`` (every drill) and ``drill.fire`` (fire drills: yearly, and
half-yearly for key fire units through the rule's ``key_fire_unit`` case override)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from supervision.core import policy

from ..models import Drill, DrillKind, EmergencyPlan, IncidentReport, Institution, InstitutionKind
from . import common
from .common import FIRE_DRILL_KEY_UNIT, RULE_DRILL, RULE_FIRE_DRILL, _create


def emergency_plan_add(
    inst: Institution,
    *,
    actor: Any,
    kind: str,
    title: str,
    adopted_on: dt.date,
    summary: str = "",
    policy_action: str = "report",
) -> EmergencyPlan:
    """``policy_action="self_report"``: the institution's own account (institutions/portal)."""
    plan = EmergencyPlan(institution=inst, kind=kind, title=title, adopted_on=adopted_on, summary=summary)
    with transaction.atomic():
        policy.require(actor, inst, policy_action)
        _create(plan, actor, "emergency_plan_add")
    return plan


def fire_drill_clock(inst: Institution) -> tuple[str, str] | None:
    """Which clock a fire drill of ``inst`` meets and reopens: ``(rule code, case)``.

    With the ``drill.fire`` rule active: that rule, in the ``key_fire_unit`` case for key fire
    units (the rule's case override sets their half-yearly period; no length lives in code).
    Without it, a key fire unit falls back on the half-yearly drill clock (same period; every
    drill already reopens it), and a unit that is not a key fire unit has no yearly clock to
    use — returns None.
    """
    from supervision.deadlines.models import Rule

    case = FIRE_DRILL_KEY_UNIT if inst.is_key_fire_unit else ""
    if Rule.objects.filter(code=RULE_FIRE_DRILL, active=True).exists():
        return RULE_FIRE_DRILL, case
    if inst.is_key_fire_unit:
        return RULE_DRILL, ""
    return None


# Kinds that run elderly-care services on premises and so must drill (000 (五)); assessment and
# training bodies are not held to the drill clocks.
DRILL_KINDS = frozenset({InstitutionKind.CARE_HOME, InstitutionKind.COMMUNITY})


def drill_clocks_open(inst: Institution, start: dt.date) -> None:
    """Start the drill clocks of 000 (五) for an institution entering supervision (at filing):
    the half-yearly emergency drill and, where the fire rule applies, the fire drill (half-yearly
    for key fire units, yearly otherwise). Idempotent: a live clock is left as it is (e.g. one a
    drill recorded before filing already opened)."""
    if inst.kind not in DRILL_KINDS:
        return
    common._open_clock(inst, RULE_DRILL, start, note=f"备案 {start}，首次应急演练")
    fire = fire_drill_clock(inst)
    if fire is not None and fire[0] != RULE_DRILL:
        rule, case = fire
        common._open_clock(inst, rule, start, note=f"备案 {start}，首次消防演练", case=case)


def drill_clocks_stop(inst: Institution, *, reason: str) -> int:
    """A suspended or terminated institution has no residents to drill with: its live drill
    clocks are waived with the reason. Returns how many were waived.

    The system waives them (``policy.SYSTEM``): the exit record, written by civil affairs under
    its own rule, is the authority, not a waiver decided by a leader."""
    from supervision.deadlines import services as deadlines

    live = deadlines.open_deadlines_for(inst).filter(rule__code__in=[RULE_DRILL, RULE_FIRE_DRILL])
    waived = 0
    for clock in live:
        deadlines.deadline_waive(clock, reason=reason, actor=policy.SYSTEM)
        waived += 1
    return waived


def drill_record(
    inst: Institution,
    *,
    actor: Any,
    held_on: dt.date,
    kind: str,
    participants: int = 0,
    participants_note: str = "",
    notes: str = "",
    plan: EmergencyPlan | None = None,
    policy_action: str = "report",
) -> Drill:
    """Record a drill: it meets the open half-yearly drill clock and opens the next one."""
    drill = Drill(
        institution=inst,
        held_on=held_on,
        kind=kind,
        participants=participants,
        participants_note=participants_note,
        notes=notes,
        plan=plan,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    with transaction.atomic():
        locked = Institution.objects.select_for_update().get(pk=inst.pk)
        policy.require(actor, locked, policy_action)
        _create(drill, actor, "drill_record")
        common._meet_clock(inst, RULE_DRILL, drill, held_on)
        common._open_clock(inst, RULE_DRILL, held_on, note=f"上次演练 {held_on}")
        fire = fire_drill_clock(inst) if kind == DrillKind.FIRE else None
        if fire is not None and fire[0] != RULE_DRILL:
            rule, case = fire
            common._meet_clock(inst, rule, drill, held_on)
            common._open_clock(inst, rule, held_on, note=f"上次消防演练 {held_on}", case=case)
    return drill


def incident_report(
    inst: Institution,
    *,
    actor: Any,
    kind: str,
    occurred_at: dt.datetime,
    reported_at: dt.datetime,
    summary: str,
    reported_to: list[str],
    affected: int = 0,
    measures: str = "",
    policy_action: str = "report",
) -> IncidentReport:
    """Record an incident or epidemic report; ``missing_recipients`` shows who was not told."""
    report = IncidentReport(
        institution=inst,
        kind=kind,
        occurred_at=occurred_at,
        reported_at=reported_at,
        summary=summary,
        reported_to=list(reported_to),
        affected=affected,
        measures=measures,
    )
    with transaction.atomic():
        policy.require(actor, inst, policy_action)
        if reported_at < occurred_at:
            raise ValidationError({"reported_at": "报告时间不能早于发生时间。"})
        _create(report, actor, "incident_report")
    return report
