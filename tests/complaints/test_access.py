"""Scope: the lead department sees every complaint in its jurisdiction, a partner department only
those routed to it; outside the remit or the county means 404 everywhere (list, detail, export,
API). The complainant is shown in full only to the handling department."""

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
    assert "张三丰" in handler and "13812345678" in handler
    # after a reassignment to civil affairs, fire rescue no longer sees it at all
    from inspections.complaints.services import complaint_reassign

    complaint_reassign(fire_complaint, actor=world.yanggu_mz, to_department=world.mz, reason="综合问题")
    assert client_for(world.yanggu_xf).get(f"/inspections/complaints/{fire_complaint.pk}/").status_code == 404
    assert (
        "张三丰"
        in client_for(world.yanggu_mz).get(f"/inspections/complaints/{fire_complaint.pk}/").content.decode()
    )


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
    r = c.post(
        f"/inspections/complaints/{fire_complaint.pk}/reply/", {"findings": "属实", "reply": "已责令整改"}
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
