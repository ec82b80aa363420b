"""The write policy of complaints (issue 13): the handling department's acting posts over the
handling region handle a complaint, the lead department (民政牵头) also reassigns it; 12345
orders are taken by civil affairs over the place, referrals by their receiving department.

Measured on main before: auditors, liaisons, partner departments and the sibling county
registered 12345 work orders (201), and the sibling county's receipt told it the handling region."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from rest_framework.test import APIClient

from inspections.complaints import services
from inspections.complaints.models import Complaint, State
from tests.factories import RegionFactory
from tests.institutions.factories import InstitutionFactory

pytestmark = pytest.mark.django_db

PERSONAS = [
    "lead", "leader", "admin", "auditor", "liaison", "xf", "xf_auditor", "xf_liaison", "sj", "township",
    "sibling", "superuser", "none", "anonymous", "system",
]  # fmt: skip
HANDLER = {"xf", "superuser", "system"}  # the fire complaint is fire rescue's, at 阳谷县
CIVIL = {"lead", "leader", "admin"}


def outcome(actor: Any, call: Callable[[Any], Any]) -> str:
    """Try ``call(actor)`` in a savepoint that is rolled back: "ok" or "refused"."""
    try:
        with transaction.atomic():
            call(actor)
            transaction.set_rollback(True)
    except (PermissionDenied, Http404):
        return "refused"
    return "ok"


def allowed(people, call) -> set[str]:
    got = {name: outcome(people[name], call) for name in PERSONAS}
    return {n for n, o in got.items() if o == "ok"}


def test_handling_is_the_handling_departments(world, home, fire_complaint, people):
    c = fire_complaint
    dup = services.complaint_submit_public(
        content="楼道堆满杂物，消防通道不通。", institution=home, category="fire"
    )
    assert allowed(people, lambda a: services.complaint_start(c, actor=a)) == HANDLER
    assert (
        allowed(people, lambda a: services.complaint_reply(c, actor=a, findings="属实", reply="已整改"))
        == HANDLER
    )
    assert allowed(people, lambda a: services.complaint_merge(dup, c, actor=a)) == HANDLER

    # 民政牵头: the lead department routes a misrouted complaint on — over the county it is
    # handled in, so not from a township post, never from another county
    def reassign(a):
        return services.complaint_reassign(c, actor=a, to_department=world.sj, reason="实为食堂问题")

    assert allowed(people, reassign) == HANDLER | CIVIL
    replied = services.complaint_reply(c, actor=world.yanggu_xf, findings="属实", reply="已整改")
    assert allowed(people, lambda a: services.complaint_close(replied, actor=a)) == HANDLER
    c.refresh_from_db()
    assert c.state == State.REPLIED and c.handling_department == world.xf


def test_a_complaint_inspection_is_launched_by_the_handler(world, fire_complaint, people):
    from tests.inspections.factories import InspectorFactory

    team = [InspectorFactory(department=world.xf, region=world.yanggu) for _ in range(2)]
    for name in ("lead", "xf_auditor", "xf_liaison", "township", "sibling", "none", "anonymous"):
        launch = lambda a: services.complaint_launch_inspection(fire_complaint, actor=a, team=team)  # noqa: E731
        assert outcome(people[name], launch) == "refused", name
    assert services.complaint_launch_inspection(fire_complaint, actor=world.yanggu_xf, team=team).pk


def _order(number: str, **kw: Any) -> dict[str, Any]:
    return {
        "hotline_number": number,
        "content": "来电人反映饭菜变质，多名老人腹泻。",
        "category": "food",
        **kw,
    }


def test_hotline_orders_are_taken_by_civil_affairs_over_the_place(world, home, people):
    anle = RegionFactory(code="371521101000", name="安乐镇", level=4, parent=world.yanggu)
    other = InstitutionFactory(name="阳谷县安乐镇敬老院", status="filed", region=anle)

    # home lies in 博济桥街道: the township post takes its orders, not those of 安乐镇
    def take(inst):
        return lambda a: services.complaint_register_hotline(
            actor=a,
            hotline_number=f"W-{inst.pk}",
            content="饭菜变质，老人腹泻。",
            institution=inst,
            category="food",
        )

    assert allowed(people, take(home)) == CIVIL | {"township", "superuser", "system"}
    assert allowed(people, take(other)) == CIVIL | {"superuser", "system"}


def test_the_sibling_county_is_refused_and_told_nothing(world, home, people, api_for):
    existing = services.complaint_register_hotline(
        actor=world.yanggu_mz,
        hotline_number="12345-0001",
        content="饭菜变质，老人腹泻。",
        institution=home,
        category="food",
    )
    api = api_for(people["sibling"])
    r = api.post(
        "/api/v1/complaints/hotline/", _order("12345-0002", credit_code=home.credit_code), format="json"
    )
    assert r.status_code == 403, r.content
    body = r.content.decode()
    assert "handling_region" not in body and "阳谷县" not in body
    assert not Complaint.objects.filter(hotline_number="12345-0002").exists()
    # an order number already taken in 阳谷县, posted for a place of its own: still nothing
    r = api.post(
        "/api/v1/complaints/hotline/",
        _order("12345-0001", region=world.dongchangfu_town.code, institution_name="某托老点"),
        format="json",
    )
    assert r.status_code == 403, r.content.decode()
    body = r.content.decode()
    assert existing.tracking_code not in body and "阳谷县" not in body and "market_regulation" not in body


def test_auditors_liaisons_and_partners_are_refused_before_the_order_is_read(
    world, people, api_for, client_for
):
    for name in ("auditor", "liaison", "xf", "xf_liaison", "sj"):
        assert (
            api_for(people[name]).post("/api/v1/complaints/hotline/", {}, format="json").status_code == 403
        ), name
        assert client_for(people[name]).post("/inspections/complaints/hotline/", {}).status_code == 403, name
    assert APIClient().post("/api/v1/complaints/hotline/", {}, format="json").status_code in (401, 403)
    assert Complaint.objects.count() == 0
    # positive control: civil affairs gets past the policy to the form's errors
    assert api_for(people["lead"]).post("/api/v1/complaints/hotline/", {}, format="json").status_code == 400


def test_a_referral_is_registered_by_its_receiving_department(world, home, people):
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
    referral = referral_send(referral, actor=world.yanggu_mz, on=dt.date(2026, 10, 10))
    assert allowed(people, lambda a: services.complaint_from_referral(referral, actor=a)) == {
        "sj",
        "superuser",
        "system",
    }


def test_pages_refuse_before_reading_the_form_and_show_only_allowed_buttons(
    world, fire_complaint, people, client_for
):
    pk = fire_complaint.pk
    for name in ("xf_auditor", "xf_liaison"):
        web = client_for(people[name])
        for path in ("reply", "reassign", "merge", "inspect", "start", "close"):
            assert web.post(f"/inspections/complaints/{pk}/{path}/", {}).status_code == 403, (name, path)
        page = web.get(f"/inspections/complaints/{pk}/").content.decode()
        assert "提交答复" not in page and f"complaints/{pk}/reassign" not in page
    lead = client_for(people["lead"]).get(f"/inspections/complaints/{pk}/").content.decode()
    assert f"/inspections/complaints/{pk}/reassign/" in lead and "提交答复" not in lead
    assert client_for(people["lead"]).post(f"/inspections/complaints/{pk}/reply/", {}).status_code == 403
    handler = client_for(people["xf"])
    assert "提交答复" in handler.get(f"/inspections/complaints/{pk}/").content.decode()
    assert handler.post(f"/inspections/complaints/{pk}/reply/", {}).status_code == 400  # form errors
    fire_complaint.refresh_from_db()
    assert fire_complaint.state == State.ASSIGNED


def test_the_api_refuses_before_reading_the_payload(world, fire_complaint, people, api_for):
    pk = fire_complaint.pk
    for name in ("xf_auditor", "xf_liaison"):
        api = api_for(people[name])
        for path in ("reply", "reassign", "merge", "start", "close"):
            r = api.post(f"/api/v1/complaints/{pk}/{path}/", {}, format="json")
            assert r.status_code == 403 and "无权办理" in r.json()["detail"], (name, path)
    assert api_for(people["xf"]).post(f"/api/v1/complaints/{pk}/reply/", {}, format="json").status_code == 400
