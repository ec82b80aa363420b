"""Its record (机构端, issue 17): the institution sees its credit grade and the records behind
it, its listings and restrictions with their terms, its finished inspections with their results
and its findings; never another institution's, never a planned (unannounced) inspection."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from credit import services
from inspections.models import Conclusion, Inspection, InspectionKind, InspectionStatus
from tests.credit import factories
from tests.institution_side.factories import make_institution_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def home(world):
    return factories.institution(world.yanggu_town, "阳谷县福寿养老院")


@pytest.fixture
def other(world):
    return factories.institution(world.yanggu_town, "阳谷县康乐养老院")


@pytest.fixture
def client_of(home):
    c = Client()
    c.force_login(make_institution_account(home, username="fushou_record"))
    return c


def test_its_grade_and_the_records_behind_it(world, home, other, client_of):
    factories.record(home, "inspection_failed", world.yanggu_mz, title="消防设施未按期检测")
    factories.record(other, "award", world.yanggu_mz, title="康乐养老院获表彰")
    grade = services.grade_recompute(home.credit_code, dt.date(2026, 12, 1))
    page = client_of.get("/institution/record/").content.decode()
    assert f'id="credit-grade">{grade.grade}<' in page
    assert "消防设施未按期检测" in page and "测试文书〔2026〕1号" in page
    assert "康乐养老院获表彰" not in page


def test_a_withdrawn_record_is_not_shown(world, home, client_of):
    record = factories.record(home, "complaint_upheld", world.yanggu_mz, title="投诉属实（已撤销）")
    services.record_withdraw(record, actor=world.yanggu_mz, reason="复核不属实")
    assert "投诉属实（已撤销）" not in client_of.get("/institution/record/").content.decode()


def test_its_listing_and_restriction_with_their_terms(world, home, other, client_of):
    listed = factories.to_published(world, home, on=dt.date(2026, 3, 2))
    elsewhere = factories.to_published(world, other, on=dt.date(2026, 3, 2))
    page = client_of.get("/institution/record/listings/").content.decode()
    assert listed.number in page and listed.term_display() in page
    assert elsewhere.number not in page
    assert listed.decision_number in page  # the restriction's source is the decision
    assert "执行中" in page


def test_only_finished_inspections_are_shown(world, home, other, client_of):
    done = Inspection.objects.create(
        institution=home,
        department=world.mz,
        kind=InspectionKind.ROUTINE,
        status=InspectionStatus.PUBLISHED,
        inspected_on=dt.date(2026, 11, 3),
        conclusion=Conclusion.ISSUES,
        public_summary="发现消防通道堵塞，已责令整改",
    )
    Inspection.objects.create(
        institution=home,
        department=world.mz,
        kind=InspectionKind.COMPLAINT,
        status=InspectionStatus.PLANNED,
        unannounced=True,
        scheduled_on=dt.date(2026, 12, 8),
    )
    Inspection.objects.create(
        institution=other,
        department=world.mz,
        status=InspectionStatus.CLOSED,
        inspected_on=dt.date(2026, 11, 4),
    )
    page = client_of.get("/institution/record/inspections/").content.decode()
    assert "发现消防通道堵塞，已责令整改" in page and "2026年11月3日" in page
    assert "2026年12月8日" not in page and "投诉举报" not in page  # the unannounced visit stays secret
    assert "2026年11月4日" not in page
    assert done.get_conclusion_display() in page


def test_staff_are_refused_the_record_pages(world):
    c = Client()
    c.force_login(world.yanggu_mz)
    for url in ("/institution/record/", "/institution/record/listings/", "/institution/record/inspections/"):
        assert c.get(url).status_code == 403, url


def test_its_penalty_with_the_publication_term_and_when_repair_opens(world, home, other, client_of):
    from inspections.rectification.services import penalty_record

    penalty_record(
        home,
        actor=world.yanggu_mz,
        decision_number="阳民罚决字〔2026〕3号",
        kind="fine",
        fine_amount=Decimal("5000"),
        facts="未按规定配备夜间值班人员",
        legal_basis="《养老机构管理办法》第四十六条",
        decided_on=dt.date(2026, 3, 2),
    )
    penalty_record(
        other,
        actor=world.yanggu_mz,
        decision_number="阳民罚决字〔2026〕4号",
        kind="warning",
        facts="其他机构的处罚",
        legal_basis="《养老机构管理办法》第四十六条",
        decided_on=dt.date(2026, 3, 2),
    )
    page = client_of.get("/institution/record/inspections/").content.decode()
    assert "阳民罚决字〔2026〕3号" in page and "5000" in page
    assert "自 2026年9月2日 起可向处罚机关申请信用修复" in page
    assert "阳民罚决字〔2026〕4号" not in page
