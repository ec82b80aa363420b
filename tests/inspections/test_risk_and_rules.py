"""Risk sources (the hook the credit app will use) and the regional coverage rule override."""

from __future__ import annotations

import pytest

from inspections import services
from inspections.models import CoveragePeriod
from inspections.risk import register_risk_source, risk_class_for, unregister_risk_source
from supervision.core import policy

pytestmark = pytest.mark.django_db


def test_open_findings_raise_the_risk_class(field, world):
    a, b, c = field.homes[:3]
    services.finding_create(
        a, field.fire_item.domain, actor=world.yanggu_mz, description="x", severity="major"
    )
    services.finding_create(
        b, field.duty_item.domain, actor=world.yanggu_mz, description="y", severity="serious"
    )
    services.finding_create(
        c, field.duty_item.domain, actor=world.yanggu_mz, description="z", severity="general"
    )
    classes = risk_class_for(field.homes[:4])
    assert classes == {a.pk: "high", b.pk: "medium", c.pk: "low", field.homes[3].pk: "low"}


def test_registered_source_can_raise_but_not_lower(field):
    poor_credit = field.homes[4]

    def credit_source(institutions):
        return {poor_credit.pk: "high", field.homes[0].pk: "low", 999_999: "high"}

    register_risk_source(credit_source)
    try:
        classes = risk_class_for(field.homes)
        assert classes[poor_credit.pk] == "high"
        assert 999_999 not in classes
        draw = services.draw_create(field.plan, actor=policy.SYSTEM)
        row = next(r for r in draw.inputs["institutions"] if r["code"] == poor_credit.credit_code)
        assert row["risk"] == "high" and row["weight"] == "3"
    finally:
        unregister_risk_source(credit_source)
    assert risk_class_for(field.homes)[poor_credit.pk] == "low"


def test_regional_rule_override_makes_coverage_half_yearly(field, world):
    from supervision.deadlines import services as deadlines

    if not hasattr(deadlines, "rule_for"):
        pytest.skip("rules engine not merged yet")
    from supervision.deadlines.models import Rule, RuleOverride

    rule = Rule.objects.filter(code="inspection.yearly_coverage").first()
    if rule is None:
        pytest.skip("inspection.yearly_coverage rule not loaded")
    assert services.coverage_period(field.plan) == CoveragePeriod.YEAR
    RuleOverride.objects.create(rule=rule, region=world.yanggu, length=182)
    assert services.coverage_period(field.plan) == CoveragePeriod.HALF_YEAR
    # A sibling county keeps the national yearly rule.
    from tests.inspections.factories import PlanFactory

    other = PlanFactory(region=world.dongchangfu, department=world.mz)
    assert services.coverage_period(other) == CoveragePeriod.YEAR


def test_plan_may_be_stricter_than_the_rule(field):
    field.plan.coverage_period = CoveragePeriod.HALF_YEAR
    assert services.coverage_period(field.plan) == CoveragePeriod.HALF_YEAR
