"""A claim from filing to payment: 民政 reviews, 财政 approves and pays; each step by its
department only; a listed institution is refused naming list, decision number and term."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from funds import services
from funds.models import ClaimStatus, SubsidyClaim
from supervision.core.policy import Denied
from tests.credit import factories as credit_factories

from .helpers import beds, claim, id_number, paid, resident

pytestmark = pytest.mark.django_db
OCT = dt.date(2026, 10, 1)


def test_claim_goes_from_filing_to_payment(world, money):
    c = claim(world, money.resident_programme, money.home, [resident(1, OCT), resident(2, OCT, "total")])
    assert c.status == ClaimStatus.SUBMITTED and c.number.startswith("BZ2026-")
    assert c.amount_claimed == Decimal("800.00")  # 300 (中度) + 500 (完全失能)
    line = c.lines.get(resident_name="老人1")
    assert line.id_masked == id_number(1)[:4] + "*" * 10 + id_number(1)[-4:]
    assert id_number(1) not in (line.id_hash, line.id_masked)
    c = paid(world, money, c)
    assert c.status == ClaimStatus.PAID and c.paid_amount == Decimal("800.00")
    assert c.reviewed_by == world.yanggu_mz and c.approved_by == money.yanggu_cz


def test_each_step_belongs_to_its_department(world, money):
    c = claim(world, money.bed_programme, money.home, [beds(20, OCT)])
    with pytest.raises(Denied):
        services.claim_review(money.yanggu_cz, c, decision="pass")
    with pytest.raises(Denied):
        services.claim_review(world.dongchangfu_mz, c, decision="pass")
    services.claim_review(world.yanggu_mz, c, decision="pass")
    c.refresh_from_db()
    for refused in (world.yanggu_mz, world.yanggu_leader, money.yanggu_sj_auditor, money.dongchangfu_cz):
        with pytest.raises(Denied):
            services.claim_approve(refused, c, decision="approve")
    services.claim_approve(money.yanggu_cz, c, decision="approve", amount=Decimal("1500"))
    c.refresh_from_db()
    assert c.amount_approved == Decimal("1500")
    with pytest.raises(Denied):
        services.claim_pay(world.yanggu_mz, c, paid_on=dt.date(2026, 11, 1), reference="X")
    with pytest.raises(ValidationError):
        services.claim_pay(
            money.yanggu_cz, c, paid_on=dt.date(2026, 11, 1), reference="X", amount=Decimal("2000")
        )


def test_lines_are_checked_by_field(world, money):
    c = services.claim_create(
        world.yanggu_mz,
        programme=money.resident_programme,
        institution=money.home,
        period_start=OCT,
        period_end=OCT,
    )
    bad = resident(1, dt.date(2026, 12, 1))
    bad["id_number"] = "371521194001010000"
    with pytest.raises(ValidationError) as exc:
        services.claim_add_lines(world.yanggu_mz, c, [resident(2, OCT), bad])
    assert "第 2 条" in str(exc.value) and "月份不在申报期" in str(exc.value)
    assert c.lines.count() == 0  # all or nothing


def test_listed_institution_is_refused_naming_list_decision_and_term(world, money):
    p = credit_factories.to_published(world, money.home, on=dt.date(2026, 3, 2))
    with pytest.raises(ValidationError) as exc:
        services.claim_create(
            world.yanggu_mz,
            programme=money.bed_programme,
            institution=money.home,
            period_start=OCT,
            period_end=OCT,
        )
    message = " ".join(exc.value.messages)
    assert "失信联合惩戒对象名单" in message and p.decision_number in message and "至 20" in message
    assert "不得申请财政资金扶持（补贴）" in message
    assert not SubsidyClaim.objects.filter(institution=money.home).exists()


def test_listing_after_filing_is_refused_at_approval(world, money):
    c = claim(world, money.bed_programme, money.home, [beds(20, OCT)])
    services.claim_review(world.yanggu_mz, c, decision="pass")
    credit_factories.to_published(world, money.home, on=dt.date(2026, 3, 2))
    with pytest.raises(ValidationError, match="不得申请财政资金扶持"):
        services.claim_approve(money.yanggu_cz, SubsidyClaim.objects.get(pk=c.pk), decision="approve")
    assert SubsidyClaim.objects.get(pk=c.pk).status == ClaimStatus.REVIEWED
