"""Grades from configurable rules, with reasons; grade changes move the risk class that the
random draw uses."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from credit import services
from credit.models import CreditGrade, GradingRule
from tests.credit import factories

pytestmark = pytest.mark.django_db


def test_no_record_is_grade_b_with_normal_risk(world, home):
    assert services.risk_class_for([home.credit_code]) == {home.credit_code: "low"}
    g = services.grade_recompute(home.credit_code, dt.date(2026, 3, 2))
    assert (g.grade, g.risk_class, g.score) == ("B", "low", Decimal(90))


def test_grade_changes_move_the_risk_class(world, home):
    factories.record(home, "commitment_honoured", world.yanggu_mz)
    g = CreditGrade.objects.get(institution=home)
    assert (g.grade, g.risk_class) == ("A", "low")
    assert services.risk_class_for([home.credit_code]) == {home.credit_code: "low"}
    factories.record(home, "penalty", world.yanggu_xf)  # 95 - 20 = 75
    g.refresh_from_db()
    assert (g.grade, g.risk_class) == ("C", "medium")
    assert services.risk_class_for([home.credit_code])[home.credit_code] == "medium"


def test_reasons_show_each_input_and_its_weight(world, home):
    factories.record(home, "award", world.yanggu_mz, title="市级示范养老机构")
    g = services.grade_recompute(home.credit_code, dt.date(2026, 3, 2))
    labels = [r["label"] for r in g.reasons]
    assert labels[0] == "基础分" and any("市级示范养老机构" in label for label in labels)
    award = next(r for r in g.reasons if r.get("kind") == "award")
    assert (award["points"], award["weight"], award["contribution"]) == ("10.0", "1", "10.0")


def test_rules_are_configuration(world, home):
    GradingRule.objects.filter(kind="award").update(points=Decimal(2))
    factories.record(home, "award", world.yanggu_mz)
    assert CreditGrade.objects.get(institution=home).score == Decimal(92)


def test_decaying_record_weighs_less_with_age(world, home):
    factories.record(home, "complaint_upheld", world.yanggu_mz, on=dt.date(2026, 1, 1))  # -5 over 12 months
    fresh = services.grade_compute(home.credit_code, dt.date(2026, 1, 1))["score"]
    half = services.grade_compute(home.credit_code, dt.date(2026, 7, 2))["score"]
    gone = services.grade_compute(home.credit_code, dt.date(2027, 1, 2))["score"]
    assert fresh == Decimal(85) and Decimal(85) < half < Decimal(90) and gone == Decimal(90)


def test_serious_dishonesty_caps_the_grade(world, home):
    for _ in range(3):
        factories.record(home, "award", world.yanggu_mz)
    factories.record(home, "dishonest_debtor", world.yanggu_mz, points=0)
    g = CreditGrade.objects.get(institution=home)
    assert g.grade == "C" and any(r.get("cap") == "C" for r in g.reasons)


def test_listed_institution_is_grade_d_high_risk(world, home):
    factories.to_published(world, home)
    g = CreditGrade.objects.get(institution=home)
    assert (g.grade, g.risk_class) == ("D", "high")


def test_record_fact_is_idempotent_per_source(world, home):
    a = factories.record(home, "penalty", world.yanggu_mz, source=world.mz)
    b = factories.record(home, "penalty", world.yanggu_mz, source=world.mz)
    assert a.pk == b.pk


def test_record_fact_refuses_unknown_code(world):
    with pytest.raises(ValidationError, match="不在机构名录中"):
        services.record_fact("91371521MA00000000", "penalty", title="x")


def test_grade_moves_the_draw_risk_class_through_the_inspections_hook(world, home, other_home):
    """Inspections registers ``credit.services.risk_source``; the draw's risk class follows the
    credit grade (001 (十二): poor credit → more inspections)."""
    risk = pytest.importorskip("inspections.risk")
    risk.register_risk_source(services.risk_source)  # idempotent: inspections registers it too
    factories.record(other_home, "penalty", world.yanggu_mz)  # 90 - 20 = 70: C, medium
    classes = risk.risk_class_for([home, other_home])
    assert classes[other_home.pk] == "medium"
    assert classes[home.pk] == "low"  # no record: B, normal
    factories.record(other_home, "penalty", world.yanggu_mz)  # 70 - 20 = 50: D, high
    assert risk.risk_class_for([other_home])[other_home.pk] == "high"
    # ... and the class is the draw weight (frequency) of a plan: 1 → 1.5 → 3
    weights = pytest.importorskip("inspections.models").default_risk_weights()
    assert [weights[c] for c in ("low", "medium", "high")] == ["1", "1.5", "3"]


def test_listing_and_watch_list_raise_the_draw_risk_class(world, home, other_home):
    risk = pytest.importorskip("inspections.risk")
    risk.register_risk_source(services.risk_source)
    factories.record(home, "award", world.yanggu_mz)  # 100: A, low
    factories.to_published(world, home, on=services.today() - dt.timedelta(days=30))
    factories.to_published(world, other_home, on=services.today() - dt.timedelta(days=30), list_type="watch")
    classes = risk.risk_class_for([home, other_home])
    assert classes == {home.pk: "high", other_home.pk: "high"}


def test_risk_lookup_over_more_codes_than_one_query_may_bind(world, home, monkeypatch):
    """A province-wide draw passes far more codes than SQLite can bind; the lookup chunks them
    and still finds the graded institution among them."""
    from credit.services import grading

    monkeypatch.setattr(grading, "RISK_LOOKUP_CHUNK", 3)
    factories.record(home, "penalty", world.yanggu_xf)
    others = [f"91371521MA{i:07d}X" for i in range(7)]
    classes = services.risk_class_for([*others, home.credit_code])
    assert classes[home.credit_code] == "medium"
    assert {classes[c] for c in others} == {"low"}
    assert len(classes) == 8
