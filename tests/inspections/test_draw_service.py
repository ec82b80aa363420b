"""The draw service: commit before execute, seed secret until revealed, recusal from the
directories, expired certificates, re-draw with a reason."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from inspections import services
from inspections.draw import run_draw, seed_hash
from inspections.models import DrawStatus, Inspection, InspectionStatus, InspectorConflict
from inspections.services import institution_code
from tests.inspections.factories import close_complete

pytestmark = pytest.mark.django_db


def test_commit_publishes_hash_and_freezes_inputs_before_execution(field, world):
    draw = services.draw_create(field.plan, actor=world.yanggu_mz)
    assert draw.status == DrawStatus.COMMITTED
    assert draw.result is None
    assert draw.seed_hash == seed_hash(draw.seed)
    assert draw.public_seed == ""
    codes = [r["code"] for r in draw.inputs["institutions"]]
    assert codes == sorted(institution_code(h) for h in field.homes)  # sibling county excluded
    assert len(draw.inputs["inspectors"]) == 5  # civil affairs only; fire rescue not in the plan
    assert not Inspection.objects.exists()


def test_execute_is_reproducible_and_creates_planned_inspections(field, world):
    draw = services.draw_execute(
        services.draw_create(field.plan, actor=world.yanggu_mz), actor=world.yanggu_mz
    )
    assert draw.status == DrawStatus.EXECUTED
    assert draw.result == run_draw(draw.seed, draw.inputs)
    assert len(draw.result["drawn"]) == 3  # ceil(0.5 × 6)
    inspections = Inspection.objects.filter(draw=draw)
    assert inspections.count() == 3
    for inspection in inspections:
        assert inspection.status == InspectionStatus.PLANNED
        assert inspection.team.count() == 2
    # Executing twice changes nothing.
    again = services.draw_execute(draw, actor=world.yanggu_mz)
    assert again.result == draw.result and Inspection.objects.count() == 3


def test_reveal_makes_seed_public_and_matches_commitment(field, world):
    draw = services.draw_create(field.plan, actor=world.yanggu_mz)
    with pytest.raises(ValidationError):
        services.draw_reveal(draw, actor=world.yanggu_mz)  # not before execution
    services.draw_execute(draw, actor=world.yanggu_mz)
    draw = services.draw_reveal(draw, actor=world.yanggu_mz)
    assert draw.public_seed and seed_hash(draw.public_seed) == draw.seed_hash


def test_expired_certificate_is_not_drawable(field, world):
    draw_day = dt.date(2026, 3, 2)
    field.inspectors[1].certificate_expires = draw_day - dt.timedelta(days=1)
    field.inspectors[1].save()
    field.inspectors[2].certificate_expires = draw_day  # still valid on its last day
    field.inspectors[2].save()
    draw = services.draw_create(field.plan, actor=world.yanggu_mz, on=draw_day)
    assert field.inspectors[1].public_code not in draw.inputs["inspectors"]
    assert field.inspectors[2].public_code in draw.inputs["inspectors"]
    assert len(draw.inputs["inspectors"]) == 4
    assert draw.inputs["date"] == "2026-03-02"


def test_declared_conflict_and_last_team_are_recused(field, world):
    home = field.homes[0]
    conflicted = field.inspectors[4]
    InspectorConflict.objects.create(inspector=conflicted, institution=home, kind="relative")
    last = services.inspection_create(
        home, actor=world.yanggu_mz, kind="special", team=field.inspectors[:2], department=world.mz
    )
    close_complete(last, actor=world.yanggu_mz)
    field.plan.sampling_ratio = 1
    field.plan.save()
    draw = services.draw_create(field.plan, actor=world.yanggu_mz)
    code = institution_code(home)
    banned = {conflicted.public_code, field.inspectors[0].public_code, field.inspectors[1].public_code}
    assert set(draw.inputs["exclusions"][code]) == banned
    draw = services.draw_execute(draw, actor=world.yanggu_mz)
    team = next(r["team"] for r in draw.result["drawn"] if r["code"] == code)
    assert len(team) == 2 and not set(team) & banned


def test_high_risk_classes_can_be_uncapped(field, world):
    home = field.homes[2]
    services.finding_create(
        home, field.fire_item.domain, actor=world.yanggu_mz, description="安全出口封闭", severity="major"
    )
    field.plan.sampling_ratio = "0.01"
    field.plan.uncapped_classes = ["high"]
    field.plan.save()
    draw = services.draw_execute(
        services.draw_create(field.plan, actor=world.yanggu_mz), actor=world.yanggu_mz
    )
    row = next(r for r in draw.inputs["institutions"] if r["code"] == institution_code(home))
    assert row["risk"] == "high" and row["weight"] == "3" and row["uncapped"] is True
    drawn = {r["code"] for r in draw.result["drawn"]}
    assert institution_code(home) in drawn
    assert len(drawn) == 2  # the uncapped one + ceil(0.01 × 5)


def test_redraw_needs_reason_supersedes_and_cancels_planned_inspections(field, world):
    draw = services.draw_execute(
        services.draw_create(field.plan, actor=world.yanggu_mz), actor=world.yanggu_mz
    )
    with pytest.raises(ValidationError):
        services.draw_redraw(draw, actor=world.yanggu_mz, reason="  ")
    new = services.draw_redraw(draw, actor=world.yanggu_mz, reason="名录库数据有误，重新抽取")
    draw.refresh_from_db()
    assert draw.status == DrawStatus.SUPERSEDED
    assert draw.public_seed  # the abandoned seed is revealed so its result stays verifiable
    assert new.previous == draw and new.redraw_reason.startswith("名录库")
    assert new.seed_hash != draw.seed_hash
    assert set(Inspection.objects.filter(draw=draw).values_list("status", flat=True)) == {"cancelled"}
    with pytest.raises(ValidationError):
        services.draw_redraw(draw, actor=world.yanggu_mz, reason="again")


def test_sibling_county_cannot_draw_for_another_plan(field, world):
    from supervision.core.policy import Denied

    with pytest.raises(Denied):
        services.draw_create(field.plan, actor=world.dongchangfu_mz)


def test_seed_never_reaches_the_audit_trail_before_reveal(field, world):
    from auditlog.models import LogEntry

    draw = services.draw_execute(
        services.draw_create(field.plan, actor=world.yanggu_mz), actor=world.yanggu_mz
    )
    entries = LogEntry.objects.get_for_object(draw)
    assert entries.count() == 2  # commit, execute
    for entry in entries:
        assert draw.seed not in str(entry.changes) and draw.seed not in str(entry.additional_data)


def test_joint_plan_team_has_one_inspector_of_each_department(field, world):
    field.plan.partner_departments.add(world.xf)
    field.plan.sampling_ratio = 1
    field.plan.save()
    draw = services.draw_execute(
        services.draw_create(field.plan, actor=world.yanggu_mz), actor=world.yanggu_mz
    )
    xf_codes = {i.public_code for i in field.xf_inspectors}
    mz_codes = {i.public_code for i in field.inspectors}
    assert set(draw.inputs["groups"]) == {"civil_affairs", "fire_rescue"}
    for row in draw.result["drawn"]:
        assert set(row["team"]) & xf_codes and set(row["team"]) & mz_codes
    inspection = Inspection.objects.filter(draw=draw).first()
    assert inspection.kind == "joint" and list(inspection.partner_departments.all()) == [world.xf]


def test_plan_class_ratios_are_frozen_in_the_inputs_and_stratify_the_draw(field, world):
    risky = field.homes[3]
    services.finding_create(
        risky,
        field.fire_item.domain,
        actor=world.yanggu_mz,
        description="消防控制室无人值守",
        severity="major",
    )
    field.plan.class_ratios = {"high": "1", "low": "0.2"}
    field.plan.save()
    draw = services.draw_create(field.plan, actor=world.yanggu_mz, on=dt.date(2026, 3, 2))
    assert draw.inputs["class_ratios"] == {"high": "1", "low": "0.2"}
    draw = services.draw_execute(draw, actor=world.yanggu_mz)
    assert draw.result["algorithm"] == "hmac-es-strata-v1"
    drawn = {r["code"] for r in draw.result["drawn"]}
    assert institution_code(risky) in drawn  # the whole high stratum
    assert len(drawn) == 1 + 1  # + ceil(0.2 × 5 low-risk homes)
    assert draw.result == run_draw(draw.seed, draw.inputs)


def test_plan_form_validates_class_ratios(field, world, client_for):
    c = client_for(world.yanggu_mz)
    data = {
        "title": "分层抽查计划",
        "region": world.yanggu.pk,
        "department": world.mz.pk,
        "year": 2026,
        "sampling_ratio": "0.1",
        "weight_high": "3",
        "weight_medium": "1.5",
        "weight_low": "1",
        "ratio_high": "1.5",
        "team_size": 2,
        "coverage_period": "year",
    }
    response = c.post("/inspections/plans/new/", data)
    assert response.status_code == 200 and "抽查比例须在 0 到 1 之间" in response.content.decode()
    response = c.post("/inspections/plans/new/", {**data, "ratio_high": "0.5", "uncapped_low": "on"})
    assert response.status_code == 302
    from inspections.models import InspectionPlan

    plan = InspectionPlan.objects.get(title="分层抽查计划")
    assert plan.class_ratios == {"high": "0.5"}
    assert plan.risk_weights == {"high": "3", "medium": "1.5", "low": "1"}
    assert plan.uncapped_classes == ["low"]
