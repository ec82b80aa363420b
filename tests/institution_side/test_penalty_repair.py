"""信用修复 applied for online (机构端, issue 17): the institution applies for the early end of its
penalty's publication where the rules allow (not before 6 months from the decision, never for a
warning); the deciding department grants it (the penalty leaves the public pages) or refuses it
with a reason the institution sees; another institution's account gets 404.

The clock is the suite's pin (2026-12-01)."""

# ruff: noqa: F811  (the rectification fixtures are imported, then requested by name)
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from inspections.rectification import services
from inspections.rectification.models import Penalty, PenaltyRepairApplication
from supervision.core.policy import Denied
from tests.institution_side.factories import make_institution_account
from tests.institutions.factories import InstitutionFactory
from tests.rectification.conftest import private_root, site  # noqa: F401
from tests.uploads import pdf

pytestmark = pytest.mark.django_db

RECORD = "/institution/record/inspections/"


def penalty(
    world, site, *, kind: str = "fine", decided_on: dt.date = dt.date(2026, 3, 2), n: int = 7
) -> Penalty:
    return services.penalty_record(
        site.home,
        actor=world.yanggu_mz,
        decision_number=f"阳民罚决字〔2026〕{n}号",
        kind=kind,
        fine_amount=Decimal("20000") if kind == "fine" else None,
        facts="未按规定建立入住评估制度",
        legal_basis="《养老机构管理办法》第四十六条",
        decided_on=decided_on,
    )


@pytest.fixture
def account(site):
    return make_institution_account(site.home, username="fushou_repair")


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_applying_before_six_months_is_refused_naming_the_date(world, site, account):
    recent = penalty(world, site, decided_on=dt.date(2026, 7, 1))
    with pytest.raises(ValidationError) as exc:
        services.repair_apply(recent, actor=account, statement="已缴纳罚款")
    assert "满6个月" in exc.value.messages[0] and "2027年1月1日" in exc.value.messages[0]
    page = login(account).get(RECORD).content.decode()
    assert f"repair-form-{recent.pk}" not in page  # no button where it may not apply
    response = login(account).post(
        f"/institution/record/penalties/{recent.pk}/repair/", {"statement": "已缴纳"}
    )
    assert response.status_code == 400 and "2027年1月1日" in response.content.decode()
    assert not PenaltyRepairApplication.objects.exists()


def test_a_warning_is_refused(world, site, account):
    warning = penalty(world, site, kind="warning")
    with pytest.raises(ValidationError) as exc:
        services.repair_apply(warning, actor=account, statement="已整改")
    assert "警告" in exc.value.messages[0]
    assert not PenaltyRepairApplication.objects.exists()


def test_granted_the_penalty_leaves_the_public_pages(world, site, account, private_root, client):
    fine = penalty(world, site)
    assert fine.decision_number in client.get("/public/rectification/penalties/").content.decode()
    c = login(account)
    page = c.get(RECORD).content.decode()
    assert f"repair-form-{fine.pk}" in page and "申请信用修复" in page
    response = c.post(
        f"/institution/record/penalties/{fine.pk}/repair/",
        {"statement": "已缴纳罚款并完成整改", "attachments": [SimpleUploadedFile("缴款凭证.pdf", pdf())]},
    )
    assert response.status_code == 302
    application = PenaltyRepairApplication.objects.get(penalty=fine)
    assert application.get_state_display() == "待审核" and application.filed_by == account
    assert application.attachments.get().name == "缴款凭证.pdf"
    page = c.get(RECORD).content.decode()
    assert "待审核" in page and f"repair-form-{fine.pk}" not in page  # one pending at a time
    with pytest.raises(ValidationError):
        services.repair_apply(fine, actor=account, statement="再次申请")

    staff = login(world.yanggu_mz)
    detail = staff.get(f"/inspections/rectification/penalties/{fine.pk}/").content.decode()
    assert "已缴纳罚款并完成整改" in detail and "同意，提前结束公示" in detail
    response = staff.post(
        f"/inspections/rectification/penalties/repair/{application.pk}/decide/", {"decision": "grant"}
    )
    assert response.status_code == 302
    fine.refresh_from_db()
    application.refresh_from_db()
    assert application.get_state_display() == "已同意"
    assert (
        fine.publication_ended_on == dt.date(2026, 12, 1)
        and "已缴纳罚款并完成整改" in fine.publication_end_reason
    )
    assert fine.decision_number not in client.get("/public/rectification/penalties/").content.decode()
    assert "已同意" in c.get(RECORD).content.decode()


def test_refused_with_a_reason_the_institution_sees_it(world, site, account):
    fine = penalty(world, site)
    application = services.repair_apply(fine, actor=account, statement="已缴纳罚款")
    with pytest.raises(ValidationError):
        services.repair_decide(application, actor=world.yanggu_mz, grant=False, reason="")
    with pytest.raises(Denied):  # the institution never decides its own application
        services.repair_decide(application, actor=account, grant=True)
    services.repair_decide(application, actor=world.yanggu_mz, grant=False, reason="整改尚未经复查验收")
    fine.refresh_from_db()
    assert fine.publication_ended_on is None and fine.is_public(dt.date(2026, 12, 1))
    page = login(account).get(RECORD).content.decode()
    assert "不予同意" in page and "整改尚未经复查验收" in page
    assert f"repair-form-{fine.pk}" in page  # it may apply again


def test_another_institution_gets_404(world, site, account):
    fine = penalty(world, site)
    application = services.repair_apply(fine, actor=account, statement="已缴纳罚款")
    stranger = make_institution_account(
        InstitutionFactory(name="阳谷县康乐养老院", region=world.yanggu_town, status="filed"),
        username="kangle",
    )
    c = login(stranger)
    assert c.post(f"/institution/record/penalties/{fine.pk}/repair/", {"statement": "x"}).status_code == 404
    assert fine.decision_number not in c.get(RECORD).content.decode()
    assert "已缴纳罚款" not in c.get(RECORD).content.decode()
    assert application.state == "pending"
