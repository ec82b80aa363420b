"""The handler launches a complaint-triggered, unannounced inspection through the inspections
service; a referral from another department becomes a routed complaint."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from inspections.complaints import services
from inspections.models import InspectionKind
from tests.inspections.factories import InspectorFactory

pytestmark = pytest.mark.django_db


def test_launch_unannounced_inspection(world, fire_complaint):
    team = [InspectorFactory(department=world.xf, region=world.yanggu) for _ in range(2)]
    with pytest.raises(PermissionDenied):
        services.complaint_launch_inspection(
            fire_complaint, actor=world.yanggu_mz, team=team
        )  # not the handler
    inspection = services.complaint_launch_inspection(fire_complaint, actor=world.yanggu_xf, team=team)
    fire_complaint.refresh_from_db()
    assert inspection.kind == InspectionKind.COMPLAINT and inspection.unannounced
    assert inspection.department == world.xf and inspection.institution == fire_complaint.institution
    assert fire_complaint.inspection == inspection and fire_complaint.state == "in_progress"
    assert (
        services.complaint_launch_inspection(fire_complaint, actor=world.yanggu_xf, team=team) == inspection
    )


def test_referral_becomes_a_complaint(world, home, yanggu_sj):
    referral = _referral(world, home)
    with pytest.raises(PermissionDenied):  # the sender does not register it: the receiver does
        services.complaint_from_referral(referral, actor=world.yanggu_mz)
    c = services.complaint_from_referral(referral, actor=yanggu_sj)
    assert c.channel == "referral" and c.institution == home and c.handling_department == world.sj
    assert services.complaint_from_referral(referral, actor=yanggu_sj) == c


def _referral(world, home):
    """A referral of a food-safety matter from 阳谷县民政 to market regulation, sent."""
    from supervision.referrals.services import referral_create, referral_send

    referral = referral_create(
        home,
        actor=world.yanggu_mz,
        domain=world.sj.remits.get().domain,
        from_department=world.mz,
        from_region=world.yanggu,
        title="群众反映食堂卫生差",
        description="民政走访时老人反映饭菜不洁。",
        institution_name=home.name,
        credit_code=home.credit_code,
        found_on=dt.date(2026, 10, 9),
    )
    return referral_send(referral, actor=world.yanggu_mz, on=dt.date(2026, 10, 10))


def test_referral_intake_from_the_staff_page_and_the_api(client_for, api_for, world, home, yanggu_sj):
    from inspections.complaints.models import Complaint

    referral = _referral(world, home)
    page = client_for(yanggu_sj)  # the receiving department registers it
    assert 'id="referral-intake"' in page.get("/inspections/complaints/hotline/").content.decode()
    r = page.post("/inspections/complaints/from-referral/", {"referral": "不存在的文号"})
    assert r.status_code == 400 and "未找到该抄告" in r.content.decode()
    r = page.post("/inspections/complaints/from-referral/", {"referral": str(referral.pk)})
    c = Complaint.objects.get(referral=referral)
    assert r.status_code == 302 and r["Location"] == f"/inspections/complaints/{c.pk}/"
    assert c.channel == "referral" and c.handling_department == world.sj
    # the API answers the same complaint (one per referral); the sender is not the receiver,
    # and a department that cannot see the referral cannot register it
    r = api_for(yanggu_sj).post(
        "/api/v1/complaints/from-referral/", {"referral": str(referral.pk)}, format="json"
    )
    assert r.status_code == 201 and r.json()["id"] == c.pk
    r = api_for(world.yanggu_mz).post(
        "/api/v1/complaints/from-referral/", {"referral": str(referral.pk)}, format="json"
    )
    assert r.status_code == 403
    r = api_for(world.dongchangfu_mz).post(
        "/api/v1/complaints/from-referral/", {"referral": str(referral.pk)}, format="json"
    )
    assert r.status_code == 400 and "未找到该抄告" in str(r.json())
    assert Complaint.objects.count() == 1
