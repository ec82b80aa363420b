"""Scoping of the registry for list, detail, export, API and forms with the shared personas:
the sibling county and an outsider see nothing (404 / absent); a partner department in the
same county sees the registry."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook

from supervision.core.models import SecurityEvent

pytestmark = pytest.mark.django_db


def names_in_list(client):
    body = client.get("/institutions/").content.decode()
    return body


def test_list_shows_own_jurisdiction_only(world, client_for, yanggu_home, dongchangfu_home):
    body = client_for(world.yanggu_mz).get("/institutions/").content.decode()
    assert yanggu_home.name in body and dongchangfu_home.name not in body


def test_partner_department_in_same_county_sees_registry(world, client_for, yanggu_home, dongchangfu_home):
    c = client_for(world.yanggu_xf)
    body = c.get("/institutions/").content.decode()
    assert yanggu_home.name in body and dongchangfu_home.name not in body
    assert c.get(f"/institutions/{yanggu_home.pk}/").status_code == 200


@pytest.mark.parametrize("persona", ["dongchangfu_mz", "outsider"])
def test_detail_and_forms_answer_404_out_of_scope(world, client_for, yanggu_home, persona):
    c = client_for(getattr(world, persona))
    for url in ("", "edit/", "filing/", "onsite-check/", "staff/new/", "drill/"):
        assert c.get(f"/institutions/{yanggu_home.pk}/{url}").status_code == 404, url
    assert c.post(f"/institutions/{yanggu_home.pk}/status/mark_not_operating/").status_code == 404
    yanggu_home.refresh_from_db()
    assert yanggu_home.status == "registered_not_filed"


def test_outsider_list_is_empty(world, client_for, yanggu_home):
    body = client_for(world.outsider).get("/institutions/").content.decode()
    assert yanggu_home.name not in body and "没有符合条件的机构" in body


def test_export_contains_only_visible_rows_and_is_audited(world, client_for, yanggu_home, dongchangfu_home):
    response = client_for(world.yanggu_mz).get("/institutions/?export=xlsx")
    assert response.status_code == 200
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "统一社会信用代码"
    codes = {r[0] for r in rows[1:]}
    assert codes == {yanggu_home.credit_code}
    assert SecurityEvent.objects.filter(kind="export", user=world.yanggu_mz).exists()
    empty = client_for(world.dongchangfu_mz).get("/institutions/?export=xlsx&q=" + yanggu_home.credit_code)
    rows = list(load_workbook(BytesIO(empty.content)).active.iter_rows(values_only=True))
    assert len(rows) == 1


def test_api_is_scoped(world, api_for, yanggu_home, dongchangfu_home):
    own = api_for(world.yanggu_mz).get("/api/v1/institutions/").json()
    assert [r["credit_code"] for r in own["results"]] == [yanggu_home.credit_code]
    assert api_for(world.yanggu_mz).get(f"/api/v1/institutions/{yanggu_home.credit_code}/").status_code == 200
    lower = api_for(world.yanggu_mz).get(f"/api/v1/institutions/{yanggu_home.credit_code.lower()}/")
    assert lower.status_code == 200 and lower.json()["credit_code"] == yanggu_home.credit_code
    assert (
        api_for(world.dongchangfu_mz)
        .get(f"/api/v1/institutions/{yanggu_home.credit_code.lower()}/")
        .status_code
        == 404
    )
    assert (
        api_for(world.dongchangfu_mz).get(f"/api/v1/institutions/{yanggu_home.credit_code}/").status_code
        == 404
    )
    assert api_for(world.outsider).get("/api/v1/institutions/").json()["count"] == 0
    assert api_for(world.yanggu_xf).get(f"/api/v1/institutions/{yanggu_home.credit_code}/").status_code == 200


def test_api_cannot_create_in_another_jurisdiction(world, api_for):
    from tests.institutions.factories import credit_code

    payload = {
        "credit_code": credit_code(555),
        "name": "东昌府区福寿养老院",
        "kind": "care_home",
        "nature": "for_profit",
        "region": world.dongchangfu_town.code,
        "address": "古楼街道",
    }
    response = api_for(world.yanggu_mz).post("/api/v1/institutions/", payload, format="json")
    assert response.status_code == 403
    assert "不在您维护机构名录的辖区内" in response.json()["detail"]


def test_filter_by_region_subtree_status_and_search(world, client_for, yanggu_home, dongchangfu_home):
    c = client_for(world.sysadmin)
    body = c.get(f"/institutions/?region={world.yanggu.code}").content.decode()
    assert yanggu_home.name in body and dongchangfu_home.name not in body
    body = c.get(f"/institutions/?q={dongchangfu_home.credit_code}").content.decode()
    assert dongchangfu_home.name in body and yanggu_home.name not in body
    body = c.get("/institutions/?status=filed").content.decode()
    assert yanggu_home.name not in body


def test_staff_api_never_serialises_id_numbers(world, api_for, yanggu_home, dongchangfu_home):
    import datetime as dt

    from institutions import services
    from tests.institutions.factories import id_number

    services.staff_appoint(
        yanggu_home,
        actor=world.yanggu_mz,
        name="张三",
        id_number=id_number(1),
        role="caregiver",
        hired_on=dt.date(2026, 1, 5),
    )
    services.staff_appoint(
        dongchangfu_home,
        actor=world.dongchangfu_mz,
        name="李四",
        id_number=id_number(2),
        role="caregiver",
        hired_on=dt.date(2026, 1, 5),
    )
    response = api_for(world.yanggu_mz).get("/api/v1/staff/")
    text = response.content.decode()
    assert response.status_code == 200
    assert id_number(1) not in text and id_number(1)[:4] + "**********" + id_number(1)[-4:] in text
    assert "李四" not in text and "张三" in text
