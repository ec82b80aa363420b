"""Inbox/outbox pages (sorting by response due, overdue red, export), the create form, the
detail page's forms, the workbench panel, and the API actions."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from supervision.referrals import services
from supervision.referrals.models import Referral, ReferralState
from tests.institutions.factories import InstitutionFactory

pytestmark = pytest.mark.django_db


def test_inbox_lists_received_referrals_overdue_in_red(world, partners, sent_referral, client_for):
    # Sent 2026-09-28, response due 2026-10-16: overdue by now (the portal's today is later).
    page = client_for(partners.xf_liaison).get("/referrals/inbox/").content.decode()
    assert sent_referral.number in page
    assert 'class="table-danger"' in page and "已逾期" in page
    # The sender's inbox is empty; its outbox has it.
    assert sent_referral.number not in client_for(world.yanggu_mz).get("/referrals/inbox/").content.decode()
    assert sent_referral.number in client_for(world.yanggu_mz).get("/referrals/outbox/").content.decode()


def test_inbox_sorts_by_response_due_with_constant_queries(world, partners, make_referral, client_for):
    for i, day in enumerate([dt.date(2026, 9, 30), dt.date(2026, 9, 28), dt.date(2026, 9, 29)]):
        inst = InstitutionFactory(name=f"阳谷县第{i}养老院", region=world.yanggu_town)
        services.referral_send(
            make_referral(inst, found_on=dt.date(2026, 9, 25)), actor=world.yanggu_mz, on=day
        )
    client = client_for(partners.xf_liaison)
    page = client.get("/referrals/inbox/").content.decode()
    assert page.index("阳谷县第1养老院") < page.index("阳谷县第2养老院") < page.index("阳谷县第0养老院")
    with CaptureQueriesContext(connection) as few:
        client.get("/referrals/inbox/")
    for i in range(3, 8):
        inst = InstitutionFactory(name=f"阳谷县第{i}养老院", region=world.yanggu_town)
        services.referral_send(make_referral(inst), actor=world.yanggu_mz, on=dt.date(2026, 10, 8))
    with CaptureQueriesContext(connection) as more:
        client.get("/referrals/inbox/")
    assert len(more) == len(few)


def test_outbox_exports_excel(world, partners, sent_referral, client_for):
    from openpyxl import load_workbook

    response = client_for(world.yanggu_mz).get("/referrals/outbox/?export=xlsx")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "抄告函文号" and rows[1][0] == sent_referral.number
    assert rows[1][6] == "阳谷县消防救援"


def test_overdue_filter(world, partners, sent_referral, client_for):
    page = client_for(partners.xf_liaison).get("/referrals/inbox/?overdue=false").content.decode()
    assert sent_referral.number not in page
    assert "没有收到符合条件的抄告" in page


def test_create_from_a_subject_then_send_from_the_detail_page(world, partners, home, client_for):
    client = client_for(world.yanggu_mz)
    url = f"/referrals/new/?subject=institutions.institution:{home.pk}"
    form = client.get(url).content.decode()
    assert 'value="阳谷县福寿养老院"' in form  # pre-filled from the subject
    response = client.post(
        url,
        {
            "post": f"{world.mz.pk}:{world.yanggu.pk}",
            "domain": world.xf.domains.get().pk,
            "title": "消防通道堵塞",
            "institution_name": home.name,
            "credit_code": home.credit_code,
            "description": "安全出口堵塞",
            "found_on": "2026-11-20",
        },
    )
    r = Referral.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/referrals/{r.pk}/"
    assert r.to_department == world.xf
    detail = client.get(f"/referrals/{r.pk}/").content.decode()
    assert 'id="step-send"' in detail and "data-confirm" in detail and "预览抄告函" in detail
    client.post(f"/referrals/{r.pk}/send/")
    r.refresh_from_db()
    assert r.state == ReferralState.SENT
    assert "下载抄告函" in client.get(f"/referrals/{r.pk}/").content.decode()


def test_create_form_shows_matrix_errors(world, home, client_for):
    response = client_for(world.yanggu_mz).post(
        f"/referrals/new/?subject=institutions.institution:{home.pk}",
        {
            "post": f"{world.mz.pk}:{world.yanggu.pk}",
            "domain": world.xf.domains.get().pk,
            "to_department": world.mz.pk,
            "title": "x",
            "description": "y",
            "found_on": "2026-11-20",
        },
    )
    assert response.status_code == 200 and "无需抄告" in response.content.decode()


def test_subject_out_of_scope_cannot_be_referred(world, home, client_for):
    url = f"/referrals/new/?subject=institutions.institution:{home.pk}"
    assert client_for(world.dongchangfu_mz).get(url).status_code == 404


def test_detail_offers_only_the_users_own_steps(world, partners, sent_referral, client_for):
    receiver = client_for(world.yanggu_xf).get(f"/referrals/{sent_referral.pk}/").content.decode()
    assert 'id="step-acknowledge"' in receiver and 'id="step-reroute"' in receiver
    # The receiving liaison acknowledges receipt but does not decide where the case goes.
    liaison = client_for(partners.xf_liaison).get(f"/referrals/{sent_referral.pk}/").content.decode()
    assert 'id="step-acknowledge"' in liaison and 'id="step-reroute"' not in liaison
    sender = client_for(world.yanggu_mz).get(f"/referrals/{sent_referral.pk}/").content.decode()
    assert 'id="step-acknowledge"' not in sender and 'id="step-cancel"' in sender
    # A forged POST by the sender is refused (403) with the policy's reason.
    response = client_for(world.yanggu_mz).post(f"/referrals/{sent_referral.pk}/acknowledge/")
    assert response.status_code == 403 and "须由接收部门" in response.content.decode()


def test_workbench_panel_for_the_receiving_liaison(world, partners, sent_referral, client_for):
    page = client_for(partners.xf_liaison).get("/workbench/").content.decode()
    assert 'id="referral-panel"' in page and sent_referral.number in page and "待接收" in page
    assert 'id="referral-panel"' not in client_for(partners.sj_inspector).get("/workbench/").content.decode()


def test_api_actions_drive_the_cycle(world, partners, make_referral, api_for):
    r = make_referral()
    sender, receiver = api_for(world.yanggu_mz), api_for(world.yanggu_xf)
    assert (
        sender.post(f"/api/v1/referrals/{r.pk}/send/", {"on": "2026-09-28"}).json()["number"]
        == "阳民抄告〔2026〕1号"
    )
    denied = sender.post(f"/api/v1/referrals/{r.pk}/acknowledge/", {})
    assert denied.status_code == 403 and "须由接收部门" in denied.json()["detail"]
    body = receiver.post(f"/api/v1/referrals/{r.pk}/acknowledge/", {}).json()
    assert body["state"] == "acknowledged" and body["allowed_steps"] == ["reroute", "respond"]
    bad = receiver.post(f"/api/v1/referrals/{r.pk}/respond/", {"action_taken": "检查"})
    assert bad.status_code == 400 and "result" in bad.json()
    done = receiver.post(
        f"/api/v1/referrals/{r.pk}/respond/", {"action_taken": "检查", "result": "已整改"}
    ).json()
    assert done["state"] == "responded"
    illegal = receiver.post(f"/api/v1/referrals/{r.pk}/recognise/", {})
    assert illegal.status_code == 403
    assert (
        sender.post(f"/api/v1/referrals/{r.pk}/recognise/", {"note": "认可"}).json()["state"] == "recognised"
    )
    inbox = receiver.get("/api/v1/referrals/?box=inbox").json()
    assert inbox["count"] == 1 and inbox["results"][0]["result"] == "已整改"


def test_api_has_no_direct_writes(world, partners, sent_referral, api_for):
    api = api_for(world.yanggu_mz)
    assert api.patch(f"/api/v1/referrals/{sent_referral.pk}/", {"state": "recognised"}).status_code == 405
    assert api.post("/api/v1/referrals/", {}).status_code == 405


def test_api_reroute(world, partners, sent_referral, api_for):
    from supervision.core.models import Domain
    from tests.factories import RemitFactory

    RemitFactory(department=world.sj, domain=Domain.objects.get(code="fire"), role="support")
    body = (
        api_for(world.yanggu_xf)
        .post(
            f"/api/v1/referrals/{sent_referral.pk}/reroute/",
            {"to_department": "market_regulation", "reason": "燃气"},
        )
        .json()
    )
    assert body["state"] == "rerouted" and body["to_department"] == "market_regulation"
    assert [h["kind"] for h in body["hops"]] == ["send", "reroute"]


def test_schema_documents_the_actions(world, client_for):
    schema = client_for(world.sysadmin).get("/api/schema/").content.decode()
    for step in ("send", "acknowledge", "respond", "reroute", "recognise"):
        assert f"/api/v1/referrals/{{id}}/{step}/" in schema
