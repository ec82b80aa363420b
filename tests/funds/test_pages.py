"""Pages and API of funds: scoping (财政 and 审计 see the funds of their county, not
inspections outside their remit), the write policy on the API, lists without N+1."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from funds import services
from funds.models import FundFlag, SubsidyClaim

from .helpers import beds, claim, id_number, paid, resident

pytestmark = pytest.mark.django_db
OCT = dt.date(2026, 10, 1)


def test_finance_and_audit_see_funds_of_their_county_but_not_other_inspections(world, money):
    from inspections import services as inspection_services
    from supervision.core.models import Domain
    from tests.factories import DomainFactory, RemitFactory

    mine = claim(world, money.bed_programme, money.home, [beds(51, OCT)])
    theirs = services.claim_create(
        world.dongchangfu_mz,
        programme=_dongchangfu_programme(world, money),
        institution=money.other_home,
        period_start=OCT,
        period_end=OCT,
    )
    for user in (money.yanggu_cz, money.yanggu_sj_auditor):
        assert list(SubsidyClaim.objects.visible_to(user)) == [mine]
        assert FundFlag.objects.visible_to(user).filter(claim=mine).exists()
    assert SubsidyClaim.objects.visible_to(world.yanggu_xf).count() == 0
    assert SubsidyClaim.objects.visible_to(world.dongchangfu_mz).get() == theirs
    # a fire finding at the same home: 民政 sees it, 财政 and 审计 do not (not their remit)
    ops = DomainFactory(code="operations", name="运营服务")
    RemitFactory(department=world.mz, domain=ops, role="lead")
    from inspections.models import Finding

    inspection_services.finding_create(
        money.home,
        Domain.objects.get(code="fire"),
        actor=world.yanggu_xf,
        description="安全出口堵塞",
        severity="major",
        found_on=dt.date(2026, 10, 20),
    )
    assert Finding.objects.visible_to(world.yanggu_mz).count() == 1
    assert Finding.objects.visible_to(money.yanggu_cz).count() == 0
    assert Finding.objects.visible_to(money.yanggu_sj_auditor).count() == 0


def _dongchangfu_programme(world, money):
    from funds.models import SubsidyProgramme

    p = SubsidyProgramme.objects.get(pk=money.bed_programme.pk)
    p.pk = None
    p.region = world.dongchangfu
    p.name = "东昌府区运营补贴"
    p.save()
    return p


def test_pages_render_in_chinese_for_each_step(world, money, client_for):
    c = paid(world, money, claim(world, money.bed_programme, money.home, [beds(20, OCT)]))
    order = services.recovery_issue(world.yanggu_mz, c, facts="虚报床位")
    flagged = claim(world, money.bed_programme, money.second_home, [beds(31, OCT)])
    client = client_for(world.yanggu_mz)
    for url, text in (
        ("/funds/", "补贴申报"),
        (f"/funds/claims/{flagged.pk}/", "申报人数超过机构床位数"),
        ("/funds/flags/", "待复核"),
        ("/funds/spot-checks/", "季度抽查"),
        ("/funds/recovery/", "追缴中"),
        (f"/funds/recovery/{order.pk}/", order.document.number),
        ("/funds/programmes/", "运营补贴"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert text in response.content.decode(), url
    export = client.get("/funds/?export=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client_for(world.yanggu_xf).get(f"/funds/claims/{flagged.pk}/").status_code == 404


def test_claim_list_has_no_n_plus_one(world, money, client_for):
    client = client_for(world.yanggu_mz)
    claim(world, money.bed_programme, money.home, [beds(10, OCT)])
    client.get("/funds/")
    with CaptureQueriesContext(connection) as few:
        client.get("/funds/")
    for n in range(4):
        month = dt.date(2026, 1 + n, 1)
        claim(world, money.bed_programme, money.second_home, [beds(10, month)], start=month, end=month)
    with CaptureQueriesContext(connection) as many:
        client.get("/funds/")
    assert len(many) == len(few)
    api = client_for(world.yanggu_mz)
    with CaptureQueriesContext(connection) as api_many:
        assert api.get("/api/v1/subsidy-claims/").status_code == 200
    SubsidyClaim.objects.filter(institution=money.second_home).delete()
    with CaptureQueriesContext(connection) as api_few:
        api.get("/api/v1/subsidy-claims/")
    assert len(api_many) == len(api_few)


def test_api_approval_belongs_to_finance_and_never_shows_id_numbers(world, money, api_for):
    c = claim(world, money.resident_programme, money.home, [resident(1, OCT)])
    services.claim_review(world.yanggu_mz, c, decision="pass")
    url = f"/api/v1/subsidy-claims/{c.pk}/approve/"
    assert api_for(world.yanggu_mz).post(url, {"decision": "approve"}, format="json").status_code == 403
    assert (
        api_for(money.yanggu_sj_auditor).post(url, {"decision": "approve"}, format="json").status_code == 403
    )
    assert api_for(world.yanggu_xf).post(url, {"decision": "approve"}, format="json").status_code == 404
    response = api_for(money.yanggu_cz).post(url, {"decision": "approve"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "approved"
    detail = api_for(money.yanggu_cz).get(f"/api/v1/subsidy-claims/{c.pk}/").content.decode()
    assert id_number(1) not in detail and id_number(1)[-4:] in detail


def test_api_files_a_claim_with_lines_and_the_server_sets_the_actor(world, money, api_for):
    api = api_for(world.yanggu_mz)
    created = api.post(
        "/api/v1/subsidy-claims/",
        {
            "programme": money.bed_programme.pk,
            "institution": money.home.pk,
            "period_start": "2026-10-01",
            "period_end": "2026-10-01",
            "filed_by": money.yanggu_cz.pk,
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert SubsidyClaim.objects.get(pk=pk).filed_by == world.yanggu_mz
    lines = api.post(
        f"/api/v1/subsidy-claims/{pk}/lines/",
        {"lines": [{"kind": "occupied_beds", "month": "2026-10-01", "quantity": 12}]},
        format="json",
    )
    assert lines.status_code == 200 and lines.json()["amount_claimed"] == "1200.00"
    bad = api.post(
        f"/api/v1/subsidy-claims/{pk}/lines/",
        {"lines": [{"kind": "occupied_beds", "month": "2027-01-01", "quantity": 1}]},
        format="json",
    )
    assert bad.status_code == 400 and "申报期" in bad.content.decode()


def test_institution_page_shows_its_funds_to_those_who_see_them(world, money, client_for):
    c = claim(world, money.bed_programme, money.home, [beds(51, OCT)])
    url = f"/institutions/{money.home.pk}/file/funds/"
    body = client_for(money.yanggu_cz).get(url, HTTP_HX_REQUEST="true").content.decode()
    assert c.number in body and "资金疑点待复核" in body
    body = client_for(world.yanggu_xf).get(url, HTTP_HX_REQUEST="true").content.decode()
    assert c.number not in body and "没有本机构的补贴申报" in body


def test_rule_settings_are_edited_in_the_admin(world, money, client_for):
    client = client_for(world.sysadmin)
    assert client.get("/admin/funds/anomalyruleconfig/").status_code == 200
    add = client.get("/admin/funds/anomalyruleconfig/add/")
    assert add.status_code == 200 and "同一老人同月在两家机构申报" in add.content.decode()
    assert client.get(f"/admin/funds/subsidyprogramme/{money.bed_programme.pk}/change/").status_code == 200
