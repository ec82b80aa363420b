"""Each anomaly rule: one case that flags and one that does not; thresholds are configurable
and a disabled rule flags nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from funds import services
from funds.models import AnomalyRuleConfig, FundFlag, ResidentStatusRecord, VerifiedBeds
from institutions.models import ExitPlan
from institutions.personal import id_hash, mask_id

from .helpers import beds, claim, id_number, resident

pytestmark = pytest.mark.django_db
SEP, OCT = dt.date(2026, 9, 1), dt.date(2026, 10, 1)


def flags(c, rule):
    return list(FundFlag.objects.filter(claim=c, rule=rule))


def test_same_resident_at_two_institutions_in_the_same_month(world, money):
    first = claim(world, money.resident_programme, money.home, [resident(1, OCT)])
    second = claim(world, money.resident_programme, money.second_home, [resident(1, OCT), resident(2, OCT)])
    [flag] = flags(second, "subsidy.duplicate_resident")
    assert "阳谷县福寿养老院" in flag.reason and mask_id(id_number(1)) in flag.reason
    assert id_number(1) not in flag.reason
    # the first claim is flagged too once the rules run over all claims
    services.run_rules()
    assert flags(first, "subsidy.duplicate_resident")


def test_same_resident_in_different_months_is_not_flagged(world, money):
    claim(world, money.resident_programme, money.home, [resident(1, SEP)], start=SEP, end=SEP)
    second = claim(world, money.resident_programme, money.second_home, [resident(1, OCT)])
    assert not flags(second, "subsidy.duplicate_resident")


def test_residents_beyond_beds(world, money):
    over = claim(world, money.bed_programme, money.home, [beds(51, OCT)])  # 50 beds
    within = claim(world, money.bed_programme, money.second_home, [beds(30, OCT)])  # 30 beds
    [flag] = flags(over, "subsidy.beyond_beds")
    assert "51" in flag.reason and "50" in flag.reason
    assert not flags(within, "subsidy.beyond_beds")


def test_months_when_the_institution_was_terminated(world, money):
    ExitPlan.objects.create(
        institution=money.home,
        kind="terminate",
        effective_on=dt.date(2026, 9, 20),
        reason="停办",
        resettlement_plan="已安置",
    )
    c = claim(world, money.bed_programme, money.home, [beds(10, SEP), beds(10, OCT)], start=SEP, end=OCT)
    [flag] = flags(c, "subsidy.inactive_month")
    assert "2026-10" in flag.reason and "2026-09-20" in flag.reason
    assert "2026-09 " not in flag.reason  # September was partly open: not flagged


def test_active_institution_is_not_flagged_for_inactivity(world, money):
    c = claim(world, money.bed_programme, money.second_home, [beds(10, OCT)])
    assert not flags(c, "subsidy.inactive_month")


def _status(n, kind, date, days=0):
    return ResidentStatusRecord.objects.create(
        region=world_region(),
        kind=kind,
        id_hash=id_hash(id_number(n)),
        id_masked=mask_id(id_number(n)),
        date=date,
        days_absent=days,
        source="测试名单",
    )


def world_region():
    from supervision.core.models import Region

    return Region.objects.get(code="371521000000")


def test_deceased_or_absent_residents(world, money):
    _status(1, "deceased", dt.date(2026, 9, 12))
    _status(2, "absent", OCT, days=20)
    _status(3, "absent", OCT, days=10)  # below 15 days
    c = claim(world, money.resident_programme, money.home, [resident(n, OCT) for n in (1, 2, 3, 4)])
    [flag] = flags(c, "subsidy.deceased_absent")
    assert "2026-09-12 死亡" in flag.reason and "离院 20 天" in flag.reason
    assert mask_id(id_number(3)) not in flag.reason and mask_id(id_number(4)) not in flag.reason


def test_absence_threshold_is_configurable(world, money):
    _status(3, "absent", OCT, days=10)
    AnomalyRuleConfig.objects.create(code="subsidy.deceased_absent", threshold=Decimal("10"))
    c = claim(world, money.resident_programme, money.home, [resident(3, OCT)])
    assert flags(c, "subsidy.deceased_absent")


def test_death_after_the_claimed_month_is_not_flagged(world, money):
    _status(1, "deceased", dt.date(2026, 11, 3))
    c = claim(world, money.resident_programme, money.home, [resident(1, OCT)])
    assert not flags(c, "subsidy.deceased_absent")


def test_jump_against_the_institutions_own_history(world, money):
    aug, jul = dt.date(2026, 8, 1), dt.date(2026, 7, 1)
    claim(
        world,
        money.bed_programme,
        money.home,
        [beds(20, jul), beds(20, aug), beds(20, SEP)],
        start=jul,
        end=SEP,
    )
    jump = claim(world, money.bed_programme, money.home, [beds(31, OCT)])
    [flag] = flags(jump, "subsidy.history_jump")
    assert "31" in flag.reason and "20.0" in flag.reason
    steady = claim(
        world,
        money.bed_programme,
        money.home,
        [beds(29, dt.date(2026, 11, 1))],
        start=dt.date(2026, 11, 1),
        end=dt.date(2026, 11, 1),
    )
    assert not flags(steady, "subsidy.history_jump")  # 29 ≤ 1.5 × average


def test_disabled_rule_flags_nothing(world, money):
    AnomalyRuleConfig.objects.create(code="subsidy.beyond_beds", enabled=False)
    c = claim(world, money.bed_programme, money.home, [beds(80, OCT)])
    assert not flags(c, "subsidy.beyond_beds")


def test_beds_a_check_found_not_to_exist(world, money):
    VerifiedBeds.objects.create(
        institution=money.home,
        region=money.home.region,
        verified_on=dt.date(2026, 9, 5),
        beds_found=35,
        source="监督检查（阳谷县民政局 2026-09-05）",
    )
    over = claim(world, money.bed_programme, money.home, [beds(40, OCT)])
    [flag] = flags(over, "subsidy.beds_not_found")
    assert "核查实有 35 张" in flag.reason
    within = claim(
        world,
        money.bed_programme,
        money.home,
        [beds(35, dt.date(2026, 11, 1))],
        start=dt.date(2026, 11, 1),
        end=dt.date(2026, 11, 1),
    )
    assert not flags(within, "subsidy.beds_not_found")


def test_rules_are_idempotent(world, money):
    c = claim(world, money.bed_programme, money.home, [beds(51, OCT)])
    assert services.run_rules()["subsidy.beyond_beds"] == 0
    assert len(flags(c, "subsidy.beyond_beds")) == 1


def test_open_flag_blocks_review_until_closed(world, money):
    from django.core.exceptions import ValidationError

    c = claim(world, money.bed_programme, money.home, [beds(51, OCT)])
    with pytest.raises(ValidationError, match="未办结的资金疑点"):
        services.claim_review(world.yanggu_mz, c, decision="pass")
    for f in c.flags.all():
        services.flag_review(f, world.yanggu_mz, outcome="dismissed", note="床位已扩建，登记信息待更新")
    services.claim_review(world.yanggu_mz, c, decision="pass")
