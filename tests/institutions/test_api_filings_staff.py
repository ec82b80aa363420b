"""/api/v1/filings/ and /api/v1/staff/: scoped lists and details (out of scope answers 404), and
filing through the API goes through the service (status, 20-working-day clock, Chinese errors)."""

from __future__ import annotations

import datetime as dt

import pytest

from institutions import services
from institutions.models import InstitutionStatus
from supervision.deadlines.services import open_deadlines_for
from tests.institutions.factories import id_number

pytestmark = pytest.mark.django_db

COMMITMENT = "本机构承诺所提交材料真实有效，并对养老服务质量和安全承担主体责任。"


def file(inst, actor, on=dt.date(2026, 9, 28)):
    return services.filing_submit(
        inst, actor=actor, submitted_on=on, commitment_text=COMMITMENT, certificate_number="民证字第 8 号"
    )


def test_filing_list_and_detail_are_scoped(world, api_for, yanggu_home, dongchangfu_home):
    own = file(yanggu_home, world.yanggu_mz)
    other = file(dongchangfu_home, world.dongchangfu_mz)
    listed = api_for(world.yanggu_mz).get("/api/v1/filings/").json()
    assert [r["id"] for r in listed["results"]] == [own.pk]
    assert listed["results"][0]["institution"] == yanggu_home.credit_code
    assert listed["results"][0]["commitment_text"] == COMMITMENT
    assert api_for(world.yanggu_mz).get(f"/api/v1/filings/{own.pk}/").status_code == 200
    assert api_for(world.yanggu_mz).get(f"/api/v1/filings/{other.pk}/").status_code == 404
    assert api_for(world.outsider).get("/api/v1/filings/").json()["count"] == 0
    # Filtering by another county's credit code reveals nothing.
    leak = api_for(world.yanggu_mz).get(f"/api/v1/filings/?institution={dongchangfu_home.credit_code}")
    assert leak.json()["count"] == 0


def test_filing_through_the_api_opens_the_clock(world, api_for, yanggu_home):
    payload = {
        "institution": yanggu_home.credit_code.lower(),
        "submitted_on": "2026-09-28",
        "certificate_number": "鲁阳民证字第 2026018 号",
        "commitment_text": COMMITMENT,
    }
    response = api_for(world.yanggu_mz).post("/api/v1/filings/", payload, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "initial"
    yanggu_home.refresh_from_db()
    assert yanggu_home.status == InstitutionStatus.FILED
    clock = open_deadlines_for(yanggu_home).get(rule__code="filing.onsite_check")
    assert clock.due == dt.date(2026, 10, 30)
    again = api_for(world.yanggu_mz).post("/api/v1/filings/", payload, format="json")
    assert again.status_code == 400 and "变更备案" in str(again.json())


def test_filing_without_commitment_is_refused_in_chinese(world, api_for, yanggu_home):
    payload = {
        "institution": yanggu_home.credit_code,
        "submitted_on": "2026-09-28",
        "certificate_number": "鲁阳民证字第 2026018 号",
        "commitment_text": "",
    }
    response = api_for(world.yanggu_mz).post("/api/v1/filings/", payload, format="json")
    assert response.status_code == 400
    assert "信用承诺书" in str(response.json())
    yanggu_home.refresh_from_db()
    assert yanggu_home.status == InstitutionStatus.REGISTERED_NOT_FILED


def test_filing_another_countys_institution_answers_404(world, api_for, dongchangfu_home):
    payload = {
        "institution": dongchangfu_home.credit_code,
        "submitted_on": "2026-09-28",
        "certificate_number": "聊东民证字第 1 号",
        "commitment_text": COMMITMENT,
    }
    response = api_for(world.yanggu_mz).post("/api/v1/filings/", payload, format="json")
    assert response.status_code == 404
    dongchangfu_home.refresh_from_db()
    assert dongchangfu_home.status == InstitutionStatus.REGISTERED_NOT_FILED
    assert not open_deadlines_for(dongchangfu_home).exists()


def test_staff_detail_and_filters_are_scoped(world, api_for, yanggu_home, dongchangfu_home):
    own = services.staff_appoint(
        yanggu_home,
        actor=world.yanggu_mz,
        name="张三",
        id_number=id_number(11),
        role="fire_safety",
        hired_on=dt.date(2026, 1, 5),
        certificate={"name": "消防设施操作员", "expires_on": dt.date(2029, 1, 1)},
    )
    other = services.staff_appoint(
        dongchangfu_home,
        actor=world.dongchangfu_mz,
        name="李四",
        id_number=id_number(12),
        role="caregiver",
        hired_on=dt.date(2026, 1, 5),
    )
    api = api_for(world.yanggu_mz)
    detail = api.get(f"/api/v1/staff/{own.pk}/")
    assert detail.status_code == 200
    body = detail.json()
    assert body["institution"] == yanggu_home.credit_code and body["role"] == "fire_safety"
    assert body["certificates"][0]["name"] == "消防设施操作员"
    assert id_number(11) not in detail.content.decode()
    assert api.get(f"/api/v1/staff/{other.pk}/").status_code == 404
    assert api.get("/api/v1/staff/?role=caregiver").json()["count"] == 0
    assert api.get(f"/api/v1/staff/?institution={dongchangfu_home.credit_code}").json()["count"] == 0
    assert api_for(world.outsider).get("/api/v1/staff/").json()["count"] == 0
