"""Risk pages and API, the screening coverage page, query counts."""

from __future__ import annotations

import datetime as dt

import pytest

from funds.fundraising import services
from funds.fundraising.models import RiskItem
from supervision.referrals.models import Referral
from tests.institutions.factories import InstitutionFactory

from .conftest import NOV_20

pytestmark = pytest.mark.django_db


def test_recording_a_risk_through_the_api_sets_the_department_from_the_post(api_for, finance_world, home):
    response = api_for(finance_world.yanggu_jr).post(
        "/api/v1/fundraising-risks/",
        {
            "institution": home.pk,
            "kind": "deposit_returns",
            "source": "screening",
            "level": "medium",
            "description": "承诺押金年化 10% 回报。",
            "found_on": "2026-11-20",
            "department": "civil_affairs",  # ignored: the server sets the recording body
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    item = RiskItem.objects.get(pk=response.json()["id"])
    assert (
        item.department.code == "local_financial_regulation" and item.recorded_by == finance_world.yanggu_jr
    )


def test_the_refer_endpoint_returns_both_referrals(api_for, finance_world, risk):
    response = api_for(finance_world.yanggu_mz).post(
        f"/api/v1/fundraising-risks/{risk.pk}/refer/", {}, format="json"
    )
    assert response.status_code == 200
    assert sorted(r["to_department"] for r in response.json()) == [
        "local_financial_regulation",
        "public_security",
    ]


def test_a_partner_outside_the_remit_cannot_refer(api_for, finance_world, risk):
    # fire rescue does not even see it: 404 before the policy
    assert (
        api_for(finance_world.yanggu_xf).post(f"/api/v1/fundraising-risks/{risk.pk}/refer/", {}).status_code
        == 404
    )
    # financial regulation sees it (its remit) but did not record it
    assert (
        api_for(finance_world.yanggu_jr).post(f"/api/v1/fundraising-risks/{risk.pk}/refer/", {}).status_code
        == 403
    )


def test_the_detail_page_shows_the_referrals_and_their_clocks(client_for, finance_world, risk):
    services.risk_refer(risk, actor=finance_world.yanggu_mz)
    body = client_for(finance_world.yanggu_mz).get(f"/funds/fundraising/{risk.pk}/").content.decode()
    assert "阳谷县地方金融监管" in body and "阳谷县公安" in body
    assert "2026-12-01" in body  # the 7-working-day sending clock from 2026-11-20
    assert "销售“会员卡”" in body


def test_the_receiver_sees_the_risk_once_the_referral_is_sent(finance_world, risk):
    from supervision.referrals.services import referral_send

    services.risk_refer(risk, actor=finance_world.yanggu_mz)
    outsider = finance_world.yanggu_xf
    referral = Referral.objects.get(to_department__code="public_security")
    referral.to_department = finance_world.xf  # a receiver without the remit (set-up, not a user write)
    referral.save(update_fields=["to_department"])
    assert not RiskItem.objects.visible_to(outsider).filter(pk=risk.pk).exists()
    referral_send(referral, actor=finance_world.yanggu_mz, on=dt.date(2026, 11, 23))
    assert RiskItem.objects.visible_to(outsider).filter(pk=risk.pk).exists()


def test_coverage_counts_institutions_screened_this_year_per_township(client_for, finance_world, home):
    other_town = finance_world.yanggu_town.__class__.objects.create(
        code="371521101000", name="侨润街道", level=4, parent=finance_world.yanggu
    )
    InstitutionFactory(status="filed", region=other_town)
    InstitutionFactory(status="filed", region=finance_world.yanggu_town)
    services.screening_record(
        institution=home, actor=finance_world.yanggu_mz, screened_on=NOV_20, result="no_risk"
    )
    services.screening_record(
        institution=home, actor=finance_world.yanggu_ga, screened_on=NOV_20, result="no_risk"
    )
    rows = {
        r.region.name: r
        for r in services.coverage(finance_world.yanggu, 2026, risks_visible=RiskItem.objects.all())
    }
    assert (rows["博济桥街道"].institutions, rows["博济桥街道"].screened, rows["博济桥街道"].rate) == (
        2,
        1,
        50.0,
    )
    assert (rows["侨润街道"].institutions, rows["侨润街道"].screened) == (1, 0)
    assert (
        services.coverage(finance_world.yanggu, 2025, risks_visible=RiskItem.objects.all())[0].screened == 0
    )
    body = client_for(finance_world.yanggu_mz).get("/funds/fundraising/coverage/?year=2026").content.decode()
    assert "已排查 1 家" in body and "覆盖率 33.3%" in body


def test_the_risk_list_does_not_grow_with_rows(
    client_for, api_for, finance_world, home, django_assert_max_num_queries
):
    for n in range(10):
        services.risk_record(
            actor=finance_world.yanggu_mz,
            institution=home,
            region=home.region,
            kind="health_products",
            source="inspection",
            level="low",
            description=f"第 {n} 条",
            found_on=NOV_20,
        )
    c, api = client_for(finance_world.yanggu_mz), api_for(finance_world.yanggu_mz)
    c.get("/funds/fundraising/")
    with django_assert_max_num_queries(12):
        assert c.get("/funds/fundraising/").status_code == 200
    with django_assert_max_num_queries(8):
        assert api.get("/api/v1/fundraising-risks/").status_code == 200
    assert c.get("/funds/fundraising/?export=xlsx").status_code == 200
