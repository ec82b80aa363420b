"""Scope: the lead department sees every complaint in its jurisdiction, a partner department only
those routed to it; outside the remit or the county means 404 everywhere (list, detail, export,
API). The complainant is shown in full only to the handling department (on pages after an
audited unmasking with a reason, tests/audit/test_personal_data.py)."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db


def export_codes(client) -> set[str]:
    response = client.get("/inspections/complaints/?export=xlsx")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    return {row[0] for row in ws.iter_rows(min_row=2, values_only=True)}


@pytest.mark.parametrize("persona", ["yanggu_mz", "yanggu_xf", "sysadmin"])
def test_who_sees_it(client_for, api_for, world, fire_complaint, persona):
    user = getattr(world, persona)
    c = client_for(user)
    code = fire_complaint.tracking_code
    assert code in c.get("/inspections/complaints/").content.decode()
    assert c.get(f"/inspections/complaints/{fire_complaint.pk}/").status_code == 200
    assert code in export_codes(c)
    assert api_for(user).get(f"/api/v1/complaints/{fire_complaint.pk}/").status_code == 200


@pytest.mark.parametrize("persona", ["market", "dongchangfu_mz", "outsider"])
def test_who_does_not(client_for, api_for, world, fire_complaint, persona):
    if persona == "market":
        from tests.factories import AssignmentFactory, UserFactory

        user = UserFactory(username="yanggu_sj")
        AssignmentFactory(user=user, department=world.sj, region=world.yanggu)
    else:
        user = getattr(world, persona)
    c = client_for(user)
    code = fire_complaint.tracking_code
    assert code not in c.get("/inspections/complaints/").content.decode()
    assert c.get(f"/inspections/complaints/{fire_complaint.pk}/").status_code == 404
    assert code not in export_codes(c)
    api = api_for(user)
    assert api.get(f"/api/v1/complaints/{fire_complaint.pk}/").status_code == 404
    assert code not in api.get("/api/v1/complaints/").content.decode()
    assert (
        api.post(
            f"/api/v1/complaints/{fire_complaint.pk}/reply/", {"findings": "x", "reply": "y"}
        ).status_code
        == 404
    )


def test_complainant_masked_outside_the_handling_department(client_for, api_for, world, fire_complaint):
    lead = client_for(world.yanggu_mz).get(f"/inspections/complaints/{fire_complaint.pk}/").content.decode()
    assert "张**" in lead and "138****5678" in lead and "张三丰" not in lead and "13812345678" not in lead
    data = api_for(world.yanggu_mz).get(f"/api/v1/complaints/{fire_complaint.pk}/").json()
    assert data["complainant_name"] == "张**" and data["complainant_phone"] == "138****5678"
    handler = (
        client_for(world.yanggu_xf).get(f"/inspections/complaints/{fire_complaint.pk}/").content.decode()
    )
    # the handling department sees them masked too, and unmasks with a reason (tests/audit)
    assert "张三丰" not in handler and "13812345678" not in handler
    assert f"/audit/reveal/complainant/{fire_complaint.pk}/" in handler
    # after a reassignment to civil affairs, fire rescue no longer sees it at all
    from inspections.complaints.services import complaint_reassign

    complaint_reassign(fire_complaint, actor=world.yanggu_mz, to_department=world.mz, reason="综合问题")
    assert client_for(world.yanggu_xf).get(f"/inspections/complaints/{fire_complaint.pk}/").status_code == 404
    # civil affairs is now the handler: it may unmask (the link), not see in full by default
    now_lead = (
        client_for(world.yanggu_mz).get(f"/inspections/complaints/{fire_complaint.pk}/").content.decode()
    )
    assert "张三丰" not in now_lead and f"/audit/reveal/complainant/{fire_complaint.pk}/" in now_lead


def test_api_actions(api_for, world, home, fire_complaint):
    from inspections.complaints.services import complaint_submit_public

    api = api_for(world.yanggu_xf)
    dup = complaint_submit_public(content="消防通道堵塞很久了。", institution=home, category="fire")
    r = api.post(
        f"/api/v1/complaints/{dup.pk}/merge/", {"into": fire_complaint.tracking_code.lower()}, format="json"
    )
    assert r.status_code == 200 and r.json()["state"] == "merged"
    r = api.post(
        f"/api/v1/complaints/{fire_complaint.pk}/reply/", {"findings": "属实", "reply": ""}, format="json"
    )
    assert r.status_code == 400
    r = api.post(
        f"/api/v1/complaints/{fire_complaint.pk}/reply/",
        {"findings": "属实", "reply": "已整改"},
        format="json",
    )
    assert r.status_code == 200 and r.json()["state"] == "replied"
    r = api_for(world.yanggu_mz).post(
        f"/api/v1/complaints/{fire_complaint.pk}/reassign/",
        {"to_department": "market_regulation", "reason": ""},
        format="json",
    )
    assert r.status_code == 400


def test_staff_pages_and_forms(client_for, world, home, fire_complaint):
    c = client_for(world.yanggu_xf)
    page = c.get(f"/inspections/complaints/{fire_complaint.pk}/").content.decode()
    assert "routing-history" in page and "data-confirm" in page
    r = c.post(f"/inspections/complaints/{fire_complaint.pk}/reply/", {"findings": "", "reply": ""})
    assert r.status_code == 400 and "请填写核查情况" in r.content.decode()
    assert "请选择查证结论" in r.content.decode()
    r = c.post(
        f"/inspections/complaints/{fire_complaint.pk}/reply/",
        {"outcome": "upheld", "findings": "属实", "reply": "已责令整改"},
    )
    assert r.status_code == 302
    fire_complaint.refresh_from_db()
    assert fire_complaint.state == "replied"
    mz = client_for(world.yanggu_mz)
    r = mz.post(
        "/inspections/complaints/hotline/",
        {
            "hotline_number": "W-1",
            "credit_code": home.credit_code,
            "category": "food",
            "content": "饭菜变质，多名老人腹泻。",
        },
    )
    assert r.status_code == 302
    from inspections.complaints.models import Complaint

    assert Complaint.objects.get(hotline_number="W-1").handling_department == world.sj


def test_inbox_query_count_does_not_grow(client_for, world, home, django_assert_max_num_queries):
    from inspections.complaints.services import complaint_submit_public

    for i in range(12):
        complaint_submit_public(content=f"第 {i} 件投诉，内容超过十个字。", institution=home)
    c = client_for(world.yanggu_mz)
    c.get("/inspections/complaints/")
    with django_assert_max_num_queries(12):
        assert c.get("/inspections/complaints/").status_code == 200


def test_content_with_the_complainants_number_is_masked_outside_the_handler(client_for, api_for, world, home):
    from inspections.complaints.services import complaint_submit_public

    c = complaint_submit_public(
        content="我是张三丰，电话13812345678，三楼安全出口堵塞。", institution=home, category="fire"
    )
    lead = client_for(world.yanggu_mz).get(f"/inspections/complaints/{c.pk}/").content.decode()
    assert "138****5678" in lead and "13812345678" not in lead
    assert (
        api_for(world.yanggu_mz)
        .get(f"/api/v1/complaints/{c.pk}/")
        .json()["content"]
        .startswith("我是张三丰，电话138****5678")
    )
    handler = api_for(world.yanggu_xf).get(f"/api/v1/complaints/{c.pk}/").json()
    assert "13812345678" in handler["content"]


def test_api_hotline_intake_start_and_close(api_for, world, home):
    from inspections.complaints.models import Complaint

    api = api_for(world.yanggu_mz)
    order = {
        "hotline_number": "12345-20261012-0042",
        "credit_code": home.credit_code.lower(),
        "category": "food",
        "content": "来电人反映饭菜变质，多名老人腹泻。",
        "name": "李四",
        "phone": "13900001111",
    }
    r = api.post("/api/v1/complaints/hotline/", order, format="json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["channel"] == "hotline" and body["hotline_number"] == "12345-20261012-0042"
    assert body["handling_department_code"] == "market_regulation" and body["complainant_name"] == "李*"
    again = api.post("/api/v1/complaints/hotline/", order, format="json")
    assert again.status_code == 201 and again.json()["id"] == body["id"]  # one per work order
    assert Complaint.objects.count() == 1
    # an unregistered place is named by its region code; Chinese errors on bad input
    r = api.post(
        "/api/v1/complaints/hotline/",
        {"hotline_number": "W-2", "institution_name": "某托老点", "content": "收住了七八个老人，无人看护"},
        format="json",
    )
    assert r.status_code == 400 and "请选择发生地" in r.json()["region"][0]
    r = api.post(
        "/api/v1/complaints/hotline/",
        {
            "hotline_number": "W-2",
            "institution_name": "某小区托老点",
            "region": world.yanggu_town.code,
            "content": "收住了七八个老人，无人看护。",
        },
        format="json",
    )
    assert r.status_code == 201 and r.json()["handling_department_code"] == "civil_affairs"
    pk = r.json()["id"]
    assert api.post(f"/api/v1/complaints/{pk}/close/").status_code == 400  # not replied yet
    r = api.post(f"/api/v1/complaints/{pk}/start/")
    assert r.status_code == 200 and r.json()["state"] == "in_progress"
    api.post(f"/api/v1/complaints/{pk}/reply/", {"findings": "属实", "reply": "已取缔"}, format="json")
    r = api.post(f"/api/v1/complaints/{pk}/close/")
    assert r.status_code == 200 and r.json()["state"] == "closed"
    # fire rescue cannot start what civil affairs handles: it does not even see it
    assert api_for(world.yanggu_xf).post(f"/api/v1/complaints/{pk}/start/").status_code == 404
    # 12345 orders are civil affairs': fire rescue is refused before its order is read, and
    # learns nothing of where an order would go
    r = api_for(world.yanggu_xf).post(
        "/api/v1/complaints/hotline/", {**order, "hotline_number": "W-3"}, format="json"
    )
    assert r.status_code == 403 and "handling" not in r.content.decode()
    assert not Complaint.objects.filter(hotline_number="W-3").exists()


def test_complaint_endpoints_are_in_the_openapi_schema(client_for, world):
    schema = client_for(world.sysadmin).get("/api/schema/").content.decode()
    for path in ("", "{id}/", "hotline/", "from-referral/", "{id}/start/", "{id}/close/", "{id}/merge/"):
        assert f"/api/v1/complaints/{path}:" in schema, path
