"""Fraud: the recovery order for the full amount, as an official PDF with the engine's clock,
partial repayments until the whole is returned, and the ``subsidy_fraud`` credit fact."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from credit.models import CreditRecord
from funds import services
from funds.models import ClaimStatus, RecoveryStatus, SubsidyClaim
from supervision.core.policy import Denied
from supervision.deadlines.models import Deadline

from .helpers import beds, claim, paid

pytestmark = pytest.mark.django_db
OCT = dt.date(2026, 10, 1)


@pytest.fixture
def paid_claim(world, money):
    return paid(world, money, claim(world, money.bed_programme, money.home, [beds(40, OCT)]))


def test_recovery_order_with_partial_repayments(world, money, paid_claim):
    with pytest.raises(Denied):
        services.recovery_issue(money.yanggu_cz, paid_claim, facts="虚报入住人数")
    order = services.recovery_issue(
        world.yanggu_mz, paid_claim, facts="虚报入住人数 12 人", on=dt.date(2026, 11, 20)
    )
    assert order.amount == Decimal("4000.00")  # the full amount paid
    assert order.due_on == dt.date(2026, 12, 20)  # 30 days, the rule's house default
    assert order.document.number and order.document.pdf[:5] == b"%PDF-"
    clock = Deadline.objects.get(rule__code="subsidy.recovery", object_id=order.pk)
    assert clock.due == order.due_on
    assert SubsidyClaim.objects.get(pk=paid_claim.pk).status == ClaimStatus.RECOVERING
    record = CreditRecord.objects.get(kind="subsidy_fraud", institution=money.home)
    assert order.document.number in record.source_document

    services.repayment_record(money.yanggu_cz, order, amount=Decimal("1500"), paid_on=dt.date(2026, 11, 25))
    order.refresh_from_db()
    assert order.status == RecoveryStatus.PARTLY_REPAID and order.outstanding == Decimal("2500.00")
    with pytest.raises(ValidationError, match="超过尚欠金额"):
        services.repayment_record(
            world.yanggu_mz, order, amount=Decimal("3000"), paid_on=dt.date(2026, 11, 26)
        )
    services.repayment_record(world.yanggu_mz, order, amount=Decimal("2500"), paid_on=dt.date(2026, 11, 28))
    order.refresh_from_db()
    assert order.status == RecoveryStatus.REPAID and order.outstanding == 0
    assert Deadline.objects.get(pk=clock.pk).state == "met"
    assert SubsidyClaim.objects.get(pk=paid_claim.pk).status == ClaimStatus.RECOVERED


def test_only_paid_claims_are_recovered(world, money):
    c = claim(world, money.bed_programme, money.home, [beds(10, OCT)])
    with pytest.raises(ValidationError, match="只能对已拨付"):
        services.recovery_issue(world.yanggu_mz, c, facts="x")


def test_fraud_penalty_goes_through_the_penalty_service(world, money, paid_claim):
    from inspections.rectification.models import Penalty

    order = services.recovery_issue(world.yanggu_mz, paid_claim, facts="虚报入住人数 12 人")
    with pytest.raises(Denied):
        services.recovery_record_penalty(
            money.yanggu_cz,
            order,
            decision_number="阳民罚〔2026〕3号",
            kind="fine",
            legal_basis="《山东省养老服务条例》第七十一条",
            decided_on=dt.date(2026, 11, 25),
            fine_amount=Decimal("8000"),
        )
    assert not Penalty.objects.filter(institution=money.home).exists()
    penalty = services.recovery_record_penalty(
        world.yanggu_mz,
        order,
        decision_number="阳民罚〔2026〕3号",
        kind="fine",
        legal_basis="《山东省养老服务条例》第七十一条",
        decided_on=dt.date(2026, 11, 25),
        fine_amount=Decimal("8000"),
    )
    row = Penalty.objects.get(institution=money.home)
    assert row.pk == penalty.pk and row.decision_number == "阳民罚〔2026〕3号"
    assert row.fine_amount == Decimal("8000.00") and "虚报入住人数" in row.facts
    assert row.published_until is not None  # published like any other penalty
    assert CreditRecord.objects.filter(kind="penalty", institution=money.home).exists()
    order.refresh_from_db()
    assert order.penalty_decision == "阳民罚〔2026〕3号"
    with pytest.raises(ValidationError, match="已登记行政处罚"):
        services.recovery_record_penalty(
            world.yanggu_mz,
            order,
            decision_number="阳民罚〔2026〕4号",
            kind="warning",
            legal_basis="x",
            decided_on=dt.date(2026, 11, 25),
        )


def test_fraud_penalty_with_missing_fields_records_nothing(world, money, paid_claim):
    from inspections.rectification.models import Penalty

    order = services.recovery_issue(world.yanggu_mz, paid_claim, facts="虚报")
    with pytest.raises(ValidationError, match="罚款须填写金额"):
        services.recovery_record_penalty(
            world.yanggu_mz,
            order,
            decision_number="阳民罚〔2026〕5号",
            kind="fine",
            legal_basis="《山东省养老服务条例》第七十一条",
            decided_on=dt.date(2026, 11, 25),
        )
    assert not Penalty.objects.exists()
    order.refresh_from_db()
    assert order.penalty_decision == ""
