"""Rules as they apply: the nearest regional override and the case overrides of a rule, and the
due date the calendar service computes from them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q

from supervision.core.models import LEVEL_PREFIX, Region
from supervision.workcal import services as workcal

from ..models import Rule, RuleOverride, StagePlan, Unit


@dataclass(frozen=True)
class EffectiveRule:
    """A rule as it applies in one region (and case): the nearest override's length/stages win,
    and a case override wins over the regional one for what it sets."""

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


def _nearest(overrides: list[RuleOverride], codes: list[str]) -> RuleOverride | None:
    """The override of the nearest region in ``codes`` (nearest first); one without a region
    (everywhere) comes last."""
    by_code = {o.region.code: o for o in overrides if o.region_id is not None}  # type: ignore[union-attr]
    found = next((by_code[c] for c in codes if c in by_code), None)
    if found is not None:
        return found
    return next((o for o in overrides if o.region_id is None), None)


def rule_for(rule_code: str, *, region: Region | None = None, case: str = "") -> EffectiveRule:
    """The rule ``rule_code`` as it applies in ``region`` and, when given, in ``case`` (e.g.
    ``key_fire_unit``); raises Rule.DoesNotExist."""
    rule = Rule.objects.get(code=rule_code)
    codes = ancestor_codes(region) if region is not None else []
    where = Q(region__isnull=True) | Q(region__code__in=codes)
    cases = ["", case] if case else [""]
    rows = list(RuleOverride.objects.filter(where, rule=rule, case__in=cases).select_related("region"))
    regional = _nearest([o for o in rows if not o.case and o.region_id is not None], codes)
    special = _nearest([o for o in rows if case and o.case == case], codes)
    length, stages = rule.length, rule.stages
    for layer in (regional, special):
        if layer is None:
            continue
        if layer.length is not None:
            length = layer.length
        if layer.stages is not None:
            stages = layer.stages
    override = special or regional
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
