"""The deposit checks: each finding is a FundFlag with its response clock; none is raised twice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from funds.deposits import services
from funds.deposits.models import DepositPolicy
from funds.models import FundFlag
from supervision.core.policy import SYSTEM
from supervision.deadlines.models import Deadline

from .conftest import DEC_1

pytestmark = pytest.mark.django_db


def run(world, **kwargs):
    return services.checks_run(actor=world.yanggu_mz, region=world.yanggu, on=DEC_1, **kwargs)


def rules(home):
    return sorted(FundFlag.objects.filter(institution=home).values_list("rule", flat=True))


def test_an_escrow_balance_below_what_is_held_is_a_shortfall_with_a_response_clock(world, home, account, fee):
    fee(amount=Decimal("20000"), monthly_fee=Decimal("2500"))
    fee(amount=Decimal("15000"), monthly_fee=Decimal("2500"))
    services.balance_report(
        account, actor=world.yanggu_mz, as_of=dt.date(2026, 11, 30), balance=Decimal("30000")
    )

    result = run(world)

    flag = FundFlag.objects.get(institution=home, rule="escrow.shortfall")
    assert (
        "35,000.00 元" in flag.reason and "30,000.00 元" in flag.reason and "缺口 5,000.00 元" in flag.reason
    )
    assert flag.subject == account
    assert result.raised["escrow.shortfall"] == 1
    clock = Deadline.objects.get(object_id=flag.pk, rule__code="deposits.flag_response")
    assert clock.due == dt.date(2026, 12, 15)  # 10 working days after 2026-12-01
    assert clock.department.code == "civil_affairs"


def test_a_covered_balance_raises_nothing_and_the_latest_balance_counts(world, home, account, fee):
    fee(amount=Decimal("20000"))
    services.balance_report(
        account, actor=world.yanggu_mz, as_of=dt.date(2026, 10, 31), balance=Decimal("100")
    )
    services.balance_report(
        account, actor=world.yanggu_mz, as_of=dt.date(2026, 11, 30), balance=Decimal("20000")
    )
    run(world)
    assert "escrow.shortfall" not in rules(home)


def test_refunded_deposits_are_not_held(world, home, account, fee):
    fee(
        amount=Decimal("20000"),
        refunded_amount=Decimal("20000"),
        refunded_on=dt.date(2026, 7, 1),
        contract_ended_on=dt.date(2026, 6, 30),
    )
    services.balance_report(account, actor=world.yanggu_mz, as_of=dt.date(2026, 11, 30), balance=Decimal("0"))
    run(world)
    assert rules(home) == []


def test_deposits_without_an_escrow_account_are_flagged(world, home, fee):
    fee(amount=Decimal("5000"))
    run(world)
    assert rules(home) == ["escrow.missing"]


def test_running_the_checks_twice_raises_each_flag_once(world, home, fee):
    fee(amount=Decimal("5000"))
    run(world)
    second = run(world)
    assert second.total_raised == 0 and second.again == 1
    assert FundFlag.objects.filter(institution=home).count() == 1
    assert Deadline.objects.filter(rule__code="deposits.flag_response").count() == 1


def test_a_deposit_above_the_cap_is_flagged_and_one_within_is_not(world, home, account, fee):
    services.balance_report(
        account, actor=world.yanggu_mz, as_of=dt.date(2026, 11, 30), balance=Decimal("1000000")
    )
    within = fee(amount=Decimal("30000"), monthly_fee=Decimal("2500"))  # exactly 12 months
    over = fee(amount=Decimal("30000.01"), monthly_fee=Decimal("2500"))
    run(world)
    flagged = FundFlag.objects.filter(rule="deposit.over_cap")
    assert [f.subject for f in flagged] == [over]
    assert within not in [f.subject for f in flagged]
    assert "12 倍" in flagged[0].reason


def test_the_cap_is_configured_per_region_nearest_first(world, home, account, fee):
    services.balance_report(
        account, actor=world.yanggu_mz, as_of=dt.date(2026, 11, 30), balance=Decimal("1000000")
    )
    DepositPolicy.objects.create(
        region=world.liaocheng, deposit_cap_months=Decimal("6"), source_document="聊城市规定"
    )
    DepositPolicy.objects.create(
        region=world.yanggu, deposit_cap_months=Decimal("3"), source_document="阳谷县规定"
    )
    fee(amount=Decimal("10000"), monthly_fee=Decimal("2500"))  # 4 months: above 阳谷's 3
    run(world)
    assert rules(home) == ["deposit.over_cap"]
    assert services.policy_for(world.dongchangfu).deposit_cap_months == Decimal("6")


def test_a_prepayment_beyond_the_permitted_month_is_flagged(world, home, account, fee):
    services.balance_report(
        account, actor=world.yanggu_mz, as_of=dt.date(2026, 11, 30), balance=Decimal("1000000")
    )
    three = fee(kind="prepaid", amount=Decimal("7500"), months_covered=3, received_on=dt.date(2026, 11, 1))
    run(world)
    flag = FundFlag.objects.get(rule="prepaid.over_months")
    assert flag.subject == three
    assert "3 个月" in flag.reason and "按月收取" in flag.reason


def test_a_monthly_prepayment_is_not_flagged(world, home, account, fee):
    services.balance_report(
        account, actor=world.yanggu_mz, as_of=dt.date(2026, 11, 30), balance=Decimal("1000000")
    )
    fee(kind="prepaid", amount=Decimal("2500"), months_covered=1, received_on=dt.date(2026, 11, 1))
    run(world)
    assert rules(home) == []


def test_a_region_may_permit_quarterly_prepayment(world, home, account, fee):
    services.balance_report(
        account, actor=world.yanggu_mz, as_of=dt.date(2026, 11, 30), balance=Decimal("1000000")
    )
    DepositPolicy.objects.create(region=world.yanggu, prepay_max_months=3, source_document="阳谷县规定")
    fee(kind="prepaid", amount=Decimal("7500"), months_covered=3, received_on=dt.date(2026, 11, 1))
    run(world)
    assert rules(home) == []


def test_refunds_not_made_in_time_after_the_contract_ends_are_flagged(world, home, account, fee):
    services.balance_report(
        account, actor=world.yanggu_mz, as_of=dt.date(2026, 11, 30), balance=Decimal("1000000")
    )
    unpaid = fee(contract_ended_on=dt.date(2026, 10, 31))  # 31 days before 12-01, nothing refunded
    late = fee(
        contract_ended_on=dt.date(2026, 8, 1),
        refunded_amount=Decimal("3000"),
        refunded_on=dt.date(2026, 9, 15),
    )
    in_time = fee(
        contract_ended_on=dt.date(2026, 8, 1),
        refunded_amount=Decimal("3000"),
        refunded_on=dt.date(2026, 8, 20),
    )
    still_open = fee(contract_ended_on=dt.date(2026, 11, 15))  # within 30 days
    run(world)
    flagged = {f.subject for f in FundFlag.objects.filter(rule="refund.late")}
    assert flagged == {unpaid, late}
    assert in_time not in flagged and still_open not in flagged


def test_checks_are_for_civil_affairs_over_the_region(world):
    from supervision.core.policy import Denied

    with pytest.raises(Denied):
        services.checks_run(actor=world.yanggu_xf, region=world.yanggu, on=DEC_1)
    with pytest.raises(Denied):
        services.checks_run(actor=world.dongchangfu_mz, region=world.yanggu, on=DEC_1)
    services.checks_run(actor=SYSTEM, region=world.yanggu, on=DEC_1)
