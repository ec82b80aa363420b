"""The registry (records, filings, status, staff, grade ratings) is kept by civil affairs:
partner departments and auditors see it in their jurisdiction but cannot write it; they can
still record what any department may report (discovery of an unfiled institution, drills)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from institutions import services
from institutions.models import InstitutionStatus
from tests.factories import AssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def auditor(world):
    user = UserFactory(username="yanggu_auditor")
    AssignmentFactory(user=user, department=world.mz, region=world.yanggu, role="auditor")
    return user


def file(inst, actor):
    return services.filing_submit(
        inst,
        actor=actor,
        submitted_on=dt.date(2026, 9, 28),
        commitment_text="本机构承诺……",
        certificate_number="民证字第 8 号",
    )


@pytest.mark.parametrize("who", ["yanggu_xf", "auditor"])
def test_services_refuse_registry_writes_by_partners_and_auditors(world, yanggu_home, auditor, who):
    actor = auditor if who == "auditor" else getattr(world, who)
    with pytest.raises(PermissionDenied, match="由民政部门（牵头部门）"):
        file(yanggu_home, actor)
    with pytest.raises(PermissionDenied):
        services.institution_update(yanggu_home, actor=actor, beds=999)
    with pytest.raises(PermissionDenied):
        services.institution_suspend(
            yanggu_home,
            actor=actor,
            effective_on=dt.date(2026, 10, 9),
            reason="整改",
            resettlement_plan="安置",
        )
    yanggu_home.refresh_from_db()
    assert yanggu_home.status == InstitutionStatus.REGISTERED_NOT_FILED and yanggu_home.beds != 999


def test_civil_affairs_keeps_the_registry(world, yanggu_home):
    file(yanggu_home, world.yanggu_mz)
    yanggu_home.refresh_from_db()
    assert yanggu_home.status == InstitutionStatus.FILED


def test_pages_show_no_write_buttons_and_answer_403_to_partners(world, client_for, yanggu_home):
    c = client_for(world.yanggu_xf)
    page = c.get(f"/institutions/{yanggu_home.pk}/").content.decode()
    assert yanggu_home.name in page
    assert f"/institutions/{yanggu_home.pk}/edit/" not in page
    assert f"/institutions/{yanggu_home.pk}/filing/" not in page
    assert "新增机构" not in c.get("/institutions/").content.decode()
    for path in ("edit/", "filing/", "rating/", "staff/new/"):
        response = c.get(f"/institutions/{yanggu_home.pk}/{path}")
        assert response.status_code == 403, path
    assert c.get("/institutions/new/").status_code == 403
    # Reports any department may record stay open.
    assert c.get(f"/institutions/{yanggu_home.pk}/drill/").status_code == 200
    assert c.get(f"/institutions/{yanggu_home.pk}/discover-unfiled/").status_code == 200


def test_civil_affairs_sees_the_write_buttons(world, client_for, yanggu_home):
    page = client_for(world.yanggu_mz).get(f"/institutions/{yanggu_home.pk}/").content.decode()
    assert (
        f"/institutions/{yanggu_home.pk}/edit/" in page and f"/institutions/{yanggu_home.pk}/filing/" in page
    )


def test_api_refuses_a_partner_creating_an_institution(world, api_for):
    from tests.institutions.factories import credit_code

    payload = {
        "credit_code": credit_code(556),
        "name": "阳谷县福康养老院",
        "kind": "care_home",
        "nature": "for_profit",
        "region": world.yanggu_town.code,
        "address": "博济桥街道",
    }
    response = api_for(world.yanggu_xf).post("/api/v1/institutions/", payload, format="json")
    assert response.status_code == 403
    assert "民政部门（牵头部门）" in response.json()["detail"]


def test_institution_page_lists_only_the_clocks_the_user_may_open(world, client_for, yanggu_home):
    file(yanggu_home, world.yanggu_mz)
    assert (
        "备案后现场核查"
        in client_for(world.yanggu_mz).get(f"/institutions/{yanggu_home.pk}/").content.decode()
    )
    page = client_for(world.yanggu_xf).get(f"/institutions/{yanggu_home.pk}/").content.decode()
    assert "备案后现场核查" not in page


def test_auditors_cannot_record_reports_but_partner_inspectors_can(world, client_for, yanggu_home, auditor):
    with pytest.raises(PermissionDenied, match="审计员和联络员只能查看"):
        services.drill_record(yanggu_home, actor=auditor, held_on=dt.date(2026, 10, 9), kind="fire")
    assert client_for(auditor).get(f"/institutions/{yanggu_home.pk}/drill/").status_code == 403
    page = client_for(auditor).get(f"/institutions/{yanggu_home.pk}/").content.decode()
    assert f"/institutions/{yanggu_home.pk}/drill/" not in page
    drill = services.drill_record(
        yanggu_home, actor=world.yanggu_xf, held_on=dt.date(2026, 10, 9), kind="fire"
    )
    assert drill.pk is not None
