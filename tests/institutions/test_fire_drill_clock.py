"""The fire-drill clock of 000 (五): half-yearly for key fire units, yearly otherwise."""

from __future__ import annotations

import datetime as dt

import pytest

from institutions import services
from institutions.models import DrillKind
from supervision.deadlines.models import Rule
from supervision.deadlines.services import open_deadlines_for
from tests.institutions.factories import InstitutionFactory

pytestmark = pytest.mark.django_db
HELD = dt.date(2026, 3, 10)


def fire_drill(inst, actor, on=HELD, kind=DrillKind.FIRE):
    return services.drill_record(inst, actor=actor, held_on=on, kind=kind, participants=20)


def clocks(inst):
    return {d.rule.code: d for d in open_deadlines_for(inst)}


def test_shipped_rules_include_the_yearly_fire_drill_rule(world):
    rule = Rule.objects.get(code=services.RULE_FIRE_DRILL)
    assert (rule.unit, rule.length, rule.source_article) == ("calendar_days", 365, "（五）")
    assert "至少每年组织1次消防演练" in rule.source_quote


def test_without_fire_rule_key_unit_uses_half_yearly_drill_clock(world):
    # An administrator may deactivate or remove the rule; key fire units then still get a clock.
    Rule.objects.filter(code=services.RULE_FIRE_DRILL).delete()
    key = InstitutionFactory(region=world.yanggu_town, is_key_fire_unit=True)
    other = InstitutionFactory(region=world.yanggu_town, is_key_fire_unit=False)
    assert services.fire_drill_clock(key) == (services.RULE_DRILL, "")
    assert services.fire_drill_clock(other) is None
    fire_drill(key, world.yanggu_mz)
    fire_drill(other, world.yanggu_mz)
    assert set(clocks(key)) == {"drill.half_yearly"} == set(clocks(other))
    assert clocks(key)["drill.half_yearly"].due == HELD + dt.timedelta(days=182)


@pytest.fixture
def fire_rule(world):
    return Rule.objects.get(code=services.RULE_FIRE_DRILL)


def test_with_fire_rule_length_follows_key_fire_unit_flag(world, fire_rule):
    key = InstitutionFactory(region=world.yanggu_town, is_key_fire_unit=True)
    other = InstitutionFactory(region=world.yanggu_town, is_key_fire_unit=False)
    fire_drill(key, world.yanggu_mz)
    fire_drill(other, world.yanggu_mz)
    assert clocks(key)["drill.fire"].due == HELD + dt.timedelta(days=182)
    assert clocks(other)["drill.fire"].due == HELD + dt.timedelta(days=365)


def test_only_a_fire_drill_meets_the_fire_clock(world, fire_rule):
    inst = InstitutionFactory(region=world.yanggu_town)
    fire_drill(inst, world.yanggu_mz)
    first = clocks(inst)["drill.fire"]
    fire_drill(inst, world.yanggu_mz, on=dt.date(2026, 5, 1), kind=DrillKind.COMPREHENSIVE)
    assert clocks(inst)["drill.fire"].pk == first.pk
    fire_drill(inst, world.yanggu_mz, on=dt.date(2026, 9, 1))
    first.refresh_from_db()
    assert first.state == "met" and clocks(inst)["drill.fire"].due == dt.date(2027, 9, 1)
