"""Coverage obligations, finding routing by remit, 挂牌督办 panel, closing meets the clocks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from inspections import clocks, services
from inspections.models import CoveragePeriod, Finding, Inspection, InspectionStatus
from tests.inspections.factories import close_complete

pytestmark = pytest.mark.django_db


def close_inspection_of(home, field, world, on):
    inspection = services.inspection_create(
        home, actor=world.yanggu_mz, kind="special", team=field.inspectors[:2], department=world.mz
    )
    return close_complete(inspection, actor=world.yanggu_mz, inspected_on=on)


def test_coverage_lists_institutions_not_inspected_this_year(field, world):
    today = dt.date(field.plan.year, 9, 15)
    close_inspection_of(field.homes[0], field, world, dt.date(field.plan.year, 3, 1))
    close_inspection_of(field.homes[1], field, world, dt.date(field.plan.year - 1, 12, 1))  # last year
    uncovered = set(services.uncovered_institutions(field.plan, on=today))
    assert field.homes[0] not in uncovered
    assert field.homes[1] in uncovered
    assert field.other_home not in uncovered  # other county
    assert len(uncovered) == 5


def test_half_yearly_coverage_counts_only_this_half(field, world):
    field.plan.coverage_period = CoveragePeriod.HALF_YEAR
    field.plan.save()
    close_inspection_of(field.homes[0], field, world, dt.date(field.plan.year, 3, 1))
    assert field.homes[0] not in services.uncovered_institutions(
        field.plan, on=dt.date(field.plan.year, 5, 1)
    )
    assert field.homes[0] in services.uncovered_institutions(field.plan, on=dt.date(field.plan.year, 9, 1))


def test_fire_finding_by_civil_affairs_is_flagged_for_fire_rescue(field, world):
    inspection = services.inspection_create(
        field.homes[0], actor=world.yanggu_mz, kind="special", team=field.inspectors[:2]
    )
    services.item_result_record(
        inspection, field.fire_item, actor=world.yanggu_mz, outcome="fail", note="二楼通道堆放杂物"
    )
    finding = Finding.objects.get(inspection=inspection)
    assert finding.domain.code == "fire"
    assert finding.found_by_department == world.mz
    assert finding.referral_required is True
    assert Finding.objects.with_progress().get(pk=finding.pk).awaiting_referral is True
    assert finding.supervising_department == world.xf
    assert "二楼通道堆放杂物" in finding.description
    # The fire department now sees it; market regulation does not.
    assert Finding.objects.visible_to(world.yanggu_xf).filter(pk=finding.pk).exists()


def test_in_remit_finding_is_not_flagged(field, world):
    inspection = services.inspection_create(
        field.homes[0], actor=world.yanggu_mz, kind="special", team=field.inspectors[:2]
    )
    services.item_result_record(inspection, field.duty_item, actor=world.yanggu_mz, outcome="fail")
    finding = Finding.objects.get(inspection=inspection)
    assert finding.referral_required is False and finding.supervising_department == world.mz
    assert Finding.objects.with_progress().get(pk=finding.pk).awaiting_referral is False


def test_passing_item_creates_no_finding_and_recording_twice_keeps_one(field, world):
    inspection = services.inspection_create(
        field.homes[0], actor=world.yanggu_mz, kind="special", team=field.inspectors[:2]
    )
    services.item_result_record(inspection, field.duty_item, actor=world.yanggu_mz, outcome="pass")
    assert not Finding.objects.exists()
    services.item_result_record(inspection, field.fire_item, actor=world.yanggu_mz, outcome="fail")
    services.item_result_record(
        inspection, field.fire_item, actor=world.yanggu_mz, outcome="fail", note="补充"
    )
    assert Finding.objects.count() == 1
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.IN_PROGRESS


def test_joint_inspection_each_department_records_its_own_domain(field, world):
    inspection = services.inspection_create(
        field.homes[0],
        actor=world.yanggu_mz,
        kind="joint",
        team=[field.inspectors[0], field.xf_inspectors[0]],
        partner_departments=[world.xf],
    )
    with pytest.raises(ValidationError, match="消防救援"):
        services.item_result_record(inspection, field.fire_item, actor=world.yanggu_mz, outcome="pass")
    result = services.item_result_record(inspection, field.fire_item, actor=world.yanggu_xf, outcome="fail")
    assert result.department == world.xf
    finding = Finding.objects.get(item_result=result)
    assert finding.referral_required is False and finding.supervising_department == world.xf
    # Fire rescue takes part, so it sees the inspection; it cannot record civil-affairs items.
    assert Inspection.objects.visible_to(world.yanggu_xf).filter(pk=inspection.pk).exists()
    with pytest.raises(ValidationError):
        services.item_result_record(inspection, field.duty_item, actor=world.yanggu_xf, outcome="pass")


def test_major_finding_is_listed_and_shown_to_the_leader(field, world, client_for):
    services.finding_create(
        field.homes[0],
        field.fire_item.domain,
        actor=world.yanggu_mz,
        description="消防设施全部损坏",
        severity="major",
    )
    finding = Finding.objects.get()
    assert finding.listed_supervision is True
    page = client_for(world.yanggu_leader).get("/workbench/").content.decode()
    assert "挂牌督办" in page and "消防设施全部损坏" in page
    other = client_for(world.dongchangfu_mz).get("/workbench/").content.decode()
    assert "消防设施全部损坏" not in other


def test_closing_calls_the_deadline_contract(field, world, monkeypatch):
    calls = []
    monkeypatch.setattr(
        clocks, "meet", lambda s, rule, *, by=None, at=None: calls.append(("meet", s, rule, by))
    )
    monkeypatch.setattr(
        clocks,
        "open_clock",
        lambda s, rule, start, *, department, region, note="": calls.append(("open", s, rule, department)),
    )
    inspection = services.inspection_create(
        field.homes[0], actor=world.yanggu_mz, kind="special", team=field.inspectors[:2]
    )
    close_complete(inspection, actor=world.yanggu_mz)
    assert ("meet", field.homes[0], "filing.onsite_check", inspection) in calls
    assert ("meet", field.homes[0], "unfiled.onsite_check", inspection) in calls
    assert ("open", inspection, "inspection.publish_result", world.mz) in calls


def test_closing_meets_the_real_filing_clock(field, world):
    from supervision.deadlines import services as deadlines

    if not hasattr(deadlines, "deadline_open"):
        pytest.skip("deadline engine not merged yet (contract only)")
    home = field.homes[0]
    filed_on = dt.date(2026, 3, 2)
    deadlines.deadline_open(home, "filing.onsite_check", filed_on, department=world.mz, region=world.yanggu)
    assert deadlines.open_deadlines_for(home).filter(rule__code="filing.onsite_check").exists()
    inspection = services.inspection_create(
        home, actor=world.yanggu_mz, kind="special", team=field.inspectors[:2]
    )
    close_complete(inspection, actor=world.yanggu_mz, inspected_on=filed_on + dt.timedelta(days=9))
    assert not deadlines.open_deadlines_for(home).filter(rule__code="filing.onsite_check").exists()
    assert deadlines.open_deadlines_for(inspection).filter(rule__code="inspection.publish_result").exists()
    services.inspection_publish(inspection, actor=world.yanggu_mz)
    assert (
        not deadlines.open_deadlines_for(inspection).filter(rule__code="inspection.publish_result").exists()
    )


def test_publish_requires_closed_inspection(field, world):
    inspection = services.inspection_create(
        field.homes[0], actor=world.yanggu_mz, kind="special", team=field.inspectors[:2]
    )
    with pytest.raises(ValidationError):
        services.inspection_publish(inspection, actor=world.yanggu_mz)
    close_complete(inspection, actor=world.yanggu_mz)
    published = services.inspection_publish(inspection, actor=world.yanggu_mz)
    assert published.status == InspectionStatus.PUBLISHED and published.public_summary


def test_team_of_fewer_than_two_is_refused(field, world):
    with pytest.raises(ValidationError, match="2 人"):
        services.inspection_create(
            field.homes[0], actor=world.yanggu_mz, kind="special", team=field.inspectors[:1]
        )


def test_reinspection_page_requires_the_original(field, world, client_for):
    c = client_for(world.yanggu_mz)
    form = {
        "institution": field.homes[0].pk,
        "kind": "reinspection",
        "team": [field.inspectors[0].pk, field.inspectors[1].pk],
    }
    response = c.post("/inspections/new/", form)
    assert "复查须关联原检查" in response.content.decode()
    original = close_inspection_of(field.homes[0], field, world, dt.date(field.plan.year, 3, 1))
    response = c.post("/inspections/new/", {**form, "previous": original.pk})
    assert response.status_code == 302
    assert Inspection.objects.get(kind="reinspection").previous == original


def test_major_hazard_stays_on_the_overview_until_rectified(field, world, client_for):
    finding = services.finding_create(
        field.homes[0],
        field.fire_item.domain,
        actor=world.yanggu_mz,
        description="自动喷水灭火系统停用",
        severity="major",
        found_on=dt.date(2026, 3, 2),
    )
    services.finding_create(
        field.homes[1], field.duty_item.domain, actor=world.yanggu_mz, description="值班记录缺失"
    )
    leader = client_for(world.yanggu_leader)
    page = leader.get("/inspections/overview/").content.decode()
    assert "自动喷水灭火系统停用" in page and "值班记录缺失" not in page.split("overview-major")[1]
    assert (
        "自动喷水灭火系统停用"
        not in client_for(world.dongchangfu_mz).get("/inspections/overview/").content.decode()
    )
    # Fire rescue (to whom it was handed by remit) sees it too; it leaves once rectified.
    assert (
        "自动喷水灭火系统停用" in client_for(world.yanggu_xf).get("/inspections/overview/").content.decode()
    )
    services.finding_mark_rectified(finding, actor=world.yanggu_mz)
    assert "自动喷水灭火系统停用" not in leader.get("/inspections/overview/").content.decode()
    assert "自动喷水灭火系统停用" not in leader.get("/workbench/").content.decode()
