"""The two 20-working-day clocks (000 (十一), 003 1., 004 2.5/2.6) across the 2026 National Day
holiday, their closing by the on-site check record, and the half-yearly drill clock."""

from __future__ import annotations

import datetime as dt

import pytest

from institutions import services
from institutions.models import InstitutionStatus
from supervision.deadlines.services import open_deadlines_for
from tests.institutions.factories import InstitutionFactory

pytestmark = pytest.mark.django_db


def file(inst, actor, on):
    return services.filing_submit(
        inst, actor=actor, submitted_on=on, commitment_text="本机构承诺……", certificate_number="民证字第 8 号"
    )


def test_filing_on_2026_09_28_is_due_2026_10_30(world, yanggu_home):
    file(yanggu_home, world.yanggu_mz, dt.date(2026, 9, 28))
    yanggu_home.refresh_from_db()
    assert yanggu_home.status == InstitutionStatus.FILED
    clock = open_deadlines_for(yanggu_home).get(rule__code="filing.onsite_check")
    # National Day 10-01..10-07 off (10-01..03 statutory), Saturday 10-10 a make-up workday.
    assert clock.due == dt.date(2026, 10, 30)
    assert clock.region == world.yanggu and clock.department == world.mz


def test_unfiled_discovery_on_2026_09_28_is_due_2026_10_30(world):
    black = InstitutionFactory(
        region=world.yanggu_town, credit_code=None, status=InstitutionStatus.UNREGISTERED, name="夕阳红之家"
    )
    services.institution_discover_unfiled(
        black, actor=world.yanggu_mz, discovered_on=dt.date(2026, 9, 28), residents=12
    )
    (clock,) = open_deadlines_for(black)
    assert clock.rule.code == "unfiled.onsite_check" and clock.due == dt.date(2026, 10, 30)
    black.refresh_from_db()
    assert black.residents == 12 and black.unfiled_discovered_on == dt.date(2026, 9, 28)
    # Repeating the discovery opens nothing new.
    services.institution_discover_unfiled(black, actor=world.yanggu_mz, discovered_on=dt.date(2026, 9, 28))
    assert open_deadlines_for(black).count() == 1


def test_discovery_starting_on_a_holiday_counts_from_the_next_workday(world):
    inst = InstitutionFactory(region=world.yanggu_town, status=InstitutionStatus.REGISTERED_NOT_OPERATING)
    services.institution_discover_unfiled(inst, actor=world.yanggu_mz, discovered_on=dt.date(2026, 10, 2))
    (clock,) = open_deadlines_for(inst)
    # Working days after 10-02: 10-08, 10-09, 10-10 (make-up), 10-12…16, 19…23, 26…30, 11-02, 11-03.
    assert clock.due == dt.date(2026, 11, 3)
    inst.refresh_from_db()
    assert inst.status == InstitutionStatus.REGISTERED_NOT_FILED  # found operating


def test_onsite_check_closes_the_open_clock(world, yanggu_home):
    file(yanggu_home, world.yanggu_mz, dt.date(2026, 9, 28))
    check = services.onsite_check_record(
        yanggu_home,
        actor=world.yanggu_mz,
        checked_on=dt.date(2026, 10, 15),
        inspectors="王建国、刘洋",
        result="consistent",
    )
    assert not open_deadlines_for(yanggu_home).filter(rule__code="filing.onsite_check").exists()
    from supervision.deadlines.models import Deadline

    met = Deadline.objects.get(rule__code="filing.onsite_check")
    assert met.state == "met" and met.met_by_id == check.pk


def test_filing_twice_is_refused_and_change_filing_keeps_history(world, yanggu_home):
    file(yanggu_home, world.yanggu_mz, dt.date(2026, 9, 28))
    with pytest.raises(Exception) as exc:
        file(yanggu_home, world.yanggu_mz, dt.date(2026, 9, 29))
    assert "变更备案" in str(exc.value)
    change = services.filing_change(
        yanggu_home,
        actor=world.yanggu_mz,
        submitted_on=dt.date(2026, 11, 2),
        changes={"beds": 120, "address": "新址 8 号"},
    )
    assert change.changes["beds"] == ["80", "120"]
    yanggu_home.refresh_from_db()
    assert yanggu_home.beds == 120
    assert [f.kind for f in yanggu_home.filings.all()] == ["change", "initial"]


def test_drill_meets_and_reopens_half_yearly_clock(world, yanggu_home):
    services.drill_record(
        yanggu_home, actor=world.yanggu_mz, held_on=dt.date(2026, 3, 10), kind="special", participants=40
    )
    (clock,) = open_deadlines_for(yanggu_home)
    assert clock.rule.code == "drill.half_yearly" and clock.start == dt.date(2026, 3, 10)
    second = services.drill_record(
        yanggu_home, actor=world.yanggu_mz, held_on=dt.date(2026, 8, 1), kind="comprehensive"
    )
    (clock2,) = open_deadlines_for(yanggu_home)
    assert clock2.pk != clock.pk and clock2.start == dt.date(2026, 8, 1)
    clock.refresh_from_db()
    assert clock.state == "met" and clock.met_by_id == second.pk


def test_detail_page_shows_open_clock(world, client_for, yanggu_home):
    file(yanggu_home, world.yanggu_mz, dt.date(2026, 9, 28))
    body = client_for(world.yanggu_mz).get(f"/institutions/{yanggu_home.pk}/").content.decode()
    assert "备案后现场核查" in body and "2026-10-30" in body


@pytest.mark.parametrize(
    "key_fire_unit, fire_due", [(True, dt.date(2027, 3, 29)), (False, dt.date(2027, 9, 28))]
)
def test_filing_starts_the_drill_clocks(world, key_fire_unit, fire_due):
    """000 (五): from filing, one emergency drill every half year; a fire drill every half year
    for key fire units, every year otherwise. A drill recorded later meets them."""
    inst = InstitutionFactory(region=world.yanggu_town, is_key_fire_unit=key_fire_unit)
    file(inst, world.yanggu_mz, dt.date(2026, 9, 28))
    clocks = {d.rule.code: d for d in open_deadlines_for(inst)}
    assert set(clocks) == {"filing.onsite_check", "drill.half_yearly", "drill.fire"}
    assert clocks["drill.half_yearly"].due == dt.date(2027, 3, 29)  # 182 calendar days
    assert clocks["drill.fire"].due == fire_due
    drill = services.drill_record(
        inst, actor=world.yanggu_mz, held_on=dt.date(2026, 12, 1), kind="fire", participants=30
    )
    for code in ("drill.half_yearly", "drill.fire"):
        clocks[code].refresh_from_db()
        assert clocks[code].state == "met" and clocks[code].met_by_id == drill.pk
    reopened = {d.rule.code: d for d in open_deadlines_for(inst)}
    assert reopened["drill.half_yearly"].start == dt.date(2026, 12, 1)


def test_assessment_bodies_get_no_drill_clocks(world):
    inst = InstitutionFactory(region=world.yanggu_town, kind="assessment", name="阳谷县惠民养老评估中心")
    file(inst, world.yanggu_mz, dt.date(2026, 9, 28))
    assert [d.rule.code for d in open_deadlines_for(inst)] == ["filing.onsite_check"]


def test_exits_stop_the_drill_clocks_and_resuming_restarts_them(world, yanggu_home):
    file(yanggu_home, world.yanggu_mz, dt.date(2026, 9, 28))
    exit_data = {
        "effective_on": dt.date(2026, 11, 2),
        "reason": "消防设施改造",
        "resettlement_plan": "在住老人经家属同意临时转入县中心敬老院",
    }
    services.institution_suspend(yanggu_home, actor=world.yanggu_mz, **exit_data)
    assert [d.rule.code for d in open_deadlines_for(yanggu_home)] == ["filing.onsite_check"]
    from supervision.deadlines.models import Deadline

    waived = Deadline.objects.filter(rule__code__startswith="drill.", state="waived")
    assert waived.count() == 2 and all("暂停服务" in d.waived_reason for d in waived)

    services.institution_resume(yanggu_home, actor=world.yanggu_mz, resumed_on=dt.date(2026, 12, 1))
    clocks = {d.rule.code: d for d in open_deadlines_for(yanggu_home)}
    assert clocks["drill.half_yearly"].start == dt.date(2026, 12, 1)
    assert clocks["drill.fire"].start == dt.date(2026, 12, 1)

    services.institution_terminate(
        yanggu_home, actor=world.yanggu_mz, asset_disposal_plan="剩余财产用于养老公益事业", **exit_data
    )
    assert not open_deadlines_for(yanggu_home).filter(rule__code__startswith="drill.").exists()
