"""The ledger: one record per credit-relevant fact, keyed by the credit code, citing its source
record and document, with an effective date and the expiry the rules set; registry facts
(filing commitments, on-site verifications, grade ratings) are read into it by the sweep."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType

from credit import services
from credit.models import CreditGrade, CreditRecord, RecordKind
from credit.rules import DEFAULT_RULES
from institutions import services as registry
from tests.credit import factories

pytestmark = pytest.mark.django_db

SCORES = {
    "score_environment": Decimal(100),
    "score_facilities": Decimal(100),
    "score_management": Decimal(120),
    "score_service": Decimal(500),
}


@pytest.mark.parametrize("kind", RecordKind.values)
def test_each_kind_of_fact_cites_its_source_document_and_dates(world, home, kind):
    source = factories.institution(world.yanggu_town, f"来源记录 {kind}")  # any model row will do
    record = services.record_fact(
        home.credit_code,
        kind,
        title="事项",
        source=source,
        document="阳民字〔2026〕9号",
        effective=dt.date(2026, 3, 2),
        entered_by=world.yanggu_mz,
    )
    record.refresh_from_db()
    assert record.credit_code == home.credit_code and record.institution == home
    assert record.source == source and record.source_document == "阳民字〔2026〕9号"
    assert record.effective_on == dt.date(2026, 3, 2)
    months = DEFAULT_RULES[kind][1]
    expected = services.add_months(dt.date(2026, 3, 2), months) if months else None
    assert record.expires_on == expected
    assert CreditGrade.objects.filter(institution=home).exists()  # recomputed on change


def test_a_record_about_a_person_keeps_only_the_hash_and_the_masked_number(world, home):
    number = factories.id_number(44)
    record = factories.record(
        home, "court_judgment", world.yanggu_mz, person_name="孙七", person_id_number=number
    )
    assert record.person_id_masked == number[:4] + "**********" + number[-4:]
    assert record.person_id_hash and number not in record.person_id_hash
    assert number not in str(CreditRecord.objects.filter(pk=record.pk).values().get())


def test_expired_record_no_longer_counts(world, home):
    factories.record(home, "penalty", world.yanggu_mz, on=dt.date(2023, 3, 1))  # 36 months
    assert services.grade_compute(home.credit_code, dt.date(2026, 3, 1))["score"] == Decimal(70)
    assert services.grade_compute(home.credit_code, dt.date(2026, 3, 2))["score"] == Decimal(90)


def test_withdrawn_record_stays_but_no_longer_counts(world, home):
    record = factories.record(home, "penalty", world.yanggu_mz)
    assert CreditGrade.objects.get(institution=home).score == Decimal(70)
    services.record_withdraw(record, actor=world.yanggu_mz, reason="录入错误")
    assert CreditGrade.objects.get(institution=home).score == Decimal(90)
    assert CreditRecord.objects.filter(pk=record.pk, withdrawn_at__isnull=False).exists()


def _filed(world, inst, on=dt.date(2026, 2, 2)):
    return registry.filing_submit(
        inst,
        actor=world.yanggu_mz,
        submitted_on=on,
        commitment_text="本机构承诺符合养老机构建设和服务标准",
        certificate_number="52371521MJ0000001",
    )


def test_filing_commitment_and_its_verification_enter_the_ledger(world, home, other_home):
    filing = _filed(world, home)
    check = registry.onsite_check_record(
        home, actor=world.yanggu_mz, checked_on=dt.date(2026, 2, 20), inspectors="甲、乙", result="consistent"
    )
    _filed(world, other_home)
    registry.onsite_check_record(
        other_home,
        actor=world.yanggu_mz,
        checked_on=dt.date(2026, 2, 21),
        inspectors="甲、乙",
        result="inconsistent",
    )
    assert services.registry_facts_sync(dt.date(2026, 3, 1)) == 4
    made = CreditRecord.objects.get(institution=home, kind="commitment_made")
    assert made.source == filing and made.effective_on == dt.date(2026, 2, 2)
    assert "信用承诺书" in made.source_document
    honoured = CreditRecord.objects.get(institution=home, kind="commitment_honoured")
    assert honoured.source == check and honoured.effective_on == dt.date(2026, 2, 20)
    assert CreditRecord.objects.filter(institution=other_home, kind="commitment_broken").count() == 1
    assert CreditGrade.objects.get(institution=home).grade == "A"  # 90 + 5
    assert CreditGrade.objects.get(institution=other_home).grade == "C"  # 90 - 20 = 70
    # idempotent: a second sweep records nothing new
    assert services.registry_facts_sync(dt.date(2026, 3, 1)) == 0


def test_grade_rating_enters_the_ledger_until_it_expires(world, home):
    rating = registry.grade_rate(home, actor=world.yanggu_mz, scores=SCORES, rated_on=dt.date(2026, 3, 2))
    assert services.listings_sweep(dt.date(2026, 3, 3))["registry_facts"] == 1
    record = CreditRecord.objects.get(institution=home, kind="grade_rating")
    assert record.source == rating and record.expires_on == rating.valid_until
    assert rating.get_level_display() in record.title


def test_a_withdrawn_registry_fact_is_not_recorded_again(world, home):
    _filed(world, home)
    services.registry_facts_sync(dt.date(2026, 3, 1))
    record = CreditRecord.objects.get(institution=home, kind="commitment_made")
    services.record_withdraw(record, actor=world.yanggu_mz, reason="承诺书录入有误")
    assert services.registry_facts_sync(dt.date(2026, 3, 1)) == 0
    assert (
        CreditRecord.objects.filter(
            source_type=ContentType.objects.get_for_model(record.source), kind="commitment_made"
        ).count()
        == 1
    )
