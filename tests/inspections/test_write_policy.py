"""Who may write in inspections (issue 13): seeing is not acting.

Plans, draws, inspections (results, signatures, confirmations, refusals, closing, publishing,
cancelling, evidence) and findings are written by the acting posts (admin, inspector, leader)
of the owning department over the object's region: the plan's department, the inspecting
department and its partners in a joint inspection (a partner records only the items in its
remit; publishing is the inspecting department's, 谁检查、谁录入、谁公开), the finder's department
for a new finding and the supervising department for its grade. Auditors (审计员) and liaisons
(联络员) only read; a township post does not act on another township's objects, the sibling
county on none of 阳谷县's. ``None`` and an anonymous user are refused; the explicit system actor
(demo, tasks) is allowed.

Measured on main before this change: auditors and liaisons created plans and inspections,
saved checklist results, signed, closed (which also wrote a credit record), published, uploaded
evidence, created findings, and created, executed, revealed and redrew draws.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from credit.models import CreditRecord
from inspections import services
from inspections.models import (
    Draw,
    DrawStatus,
    Evidence,
    Finding,
    Inspection,
    InspectionPlan,
    InspectionStatus,
    InspectorConfirmation,
    ItemResult,
)
from supervision.core import policy
from supervision.core.models import Role
from tests.factories import AssignmentFactory, RegionFactory, UserFactory
from tests.inspections.factories import close_complete, complete_record
from tests.institutions.factories import InstitutionFactory, credit_code
from tests.scenes import scene

pytestmark = pytest.mark.django_db

# The civil-affairs object lies in 阿城镇 (阳谷县), not in the township post's 博济桥街道.
CIVIL = {"lead", "leader", "admin", "system"}
REFUSED = {"auditor", "liaison", "xf", "sj", "township", "sibling", "anonymous", "anonymous_user"}
EVERYONE = sorted(CIVIL | REFUSED)


def jpeg() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (32, 24), (20, 120, 30)).save(buf, format="JPEG")
    return buf.getvalue()


@scene
def cast(world, field) -> SimpleNamespace:
    """The personas of the write policy and a civil-affairs inspection in 阿城镇."""
    acheng = RegionFactory(code="371521101000", name="阿城镇", level=4, parent=world.yanggu)

    def post(username: str, dept: Any, region: Any, role: str = Role.INSPECTOR) -> Any:
        user = UserFactory(username=username, display_name=username)
        AssignmentFactory(user=user, department=dept, region=region, role=role)
        return user

    people = {
        "lead": world.yanggu_mz,
        "leader": world.yanggu_leader,
        "admin": post("yanggu_admin", world.mz, world.yanggu, Role.ADMIN),
        "auditor": post("yanggu_auditor", world.mz, world.yanggu, Role.AUDITOR),
        "liaison": post("yanggu_liaison", world.mz, world.yanggu, Role.LIAISON),
        "xf": world.yanggu_xf,
        "sj": post("yanggu_sj", world.sj, world.yanggu),
        "township": post("bojiqiao_mz", world.mz, world.yanggu_town),
        "sibling": world.dongchangfu_mz,
        "anonymous": None,
        "anonymous_user": AnonymousUser(),
        "system": policy.SYSTEM,
    }
    home = InstitutionFactory(
        region=acheng, credit_code=credit_code(70), status="filed", name="阳谷县阿城镇敬老院"
    )
    inspection = services.inspection_create(
        home, actor=world.yanggu_mz, kind="special", team=field.inspectors[1:3], department=world.mz
    )
    return SimpleNamespace(people=people, home=home, inspection=inspection, field=field, world=world)


def lead_draw(cast, *, execute: bool = False) -> Draw:
    lead = cast.people["lead"]
    draw = services.draw_create(cast.field.plan, actor=lead, on=dt.date(2026, 11, 30))
    return services.draw_execute(draw, actor=lead) if execute else draw


def closed(cast) -> Inspection:
    return close_complete(cast.inspection, actor=cast.people["lead"], inspected_on=dt.date(2026, 11, 30))


def plan_fields(world) -> dict[str, Any]:
    return {
        "title": "阳谷县2026年专项抽查计划",
        "region": world.yanggu,
        "department": world.mz,
        "year": 2026,
        "sampling_ratio": "0.2",
        "team_size": 2,
    }


# --- the services ---------------------------------------------------------------------------------


@dataclass
class Step:
    """One write: how to prepare it (as the lead inspector) and how to do it as ``actor``."""

    prepare: Callable[[Any], Any]
    act: Callable[[Any, Any, Any], Any]
    happened: Callable[[Any, Any], bool]
    allowed: frozenset[str] = frozenset(CIVIL)


def _same(cast: Any) -> Any:
    return cast.inspection


STEPS: dict[str, Step] = {
    "plan_create": Step(
        lambda c: None,
        lambda c, _, actor: services.plan_create(actor=actor, **plan_fields(c.world)),
        lambda c, _: InspectionPlan.objects.filter(title="阳谷县2026年专项抽查计划").exists(),
    ),
    "draw_create": Step(
        lambda c: c.field.plan,
        lambda c, plan, actor: services.draw_create(plan, actor=actor, on=dt.date(2026, 11, 30)),
        lambda c, plan: plan.draws.exists(),
    ),
    "draw_execute": Step(
        lambda c: lead_draw(c),
        lambda c, draw, actor: services.draw_execute(draw, actor=actor),
        lambda c, draw: Draw.objects.get(pk=draw.pk).status == DrawStatus.EXECUTED,
    ),
    "draw_reveal": Step(
        lambda c: lead_draw(c, execute=True),
        lambda c, draw, actor: services.draw_reveal(draw, actor=actor),
        lambda c, draw: Draw.objects.get(pk=draw.pk).revealed_at is not None,
    ),
    "draw_redraw": Step(
        lambda c: lead_draw(c, execute=True),
        lambda c, draw, actor: services.draw_redraw(draw, actor=actor, reason="名录库数据有误"),
        lambda c, draw: Draw.objects.get(pk=draw.pk).status == DrawStatus.SUPERSEDED,
    ),
    "inspection_create": Step(
        lambda c: None,
        lambda c, _, actor: services.inspection_create(
            c.home, actor=actor, kind="special", team=c.field.inspectors[1:3], department=c.world.mz
        ),
        lambda c, _: Inspection.objects.filter(institution=c.home).count() == 2,
    ),
    "record": Step(
        _same,
        lambda c, i, actor: services.item_result_record(i, c.field.duty_item, actor=actor, outcome="pass"),
        lambda c, i: ItemResult.objects.filter(inspection=i).exists(),
    ),
    "sign": Step(
        _same,
        lambda c, i, actor: services.inspection_sign(i, actor=actor, name="李院长", acknowledged=True),
        lambda c, i: Inspection.objects.get(pk=i.pk).representative_signed,
    ),
    "confirm": Step(
        _same,
        lambda c, i, actor: services.inspection_confirm_inspector(i, c.field.inspectors[1], actor=actor),
        lambda c, i: InspectorConfirmation.objects.filter(inspection=i).exists(),
    ),
    "refuse": Step(
        _same,
        lambda c, i, actor: services.inspection_record_refusal(
            i, actor=actor, name="李院长", witness="王村委"
        ),
        lambda c, i: Inspection.objects.get(pk=i.pk).signature_refused,
    ),
    "close": Step(
        lambda c: complete_record(c.inspection, c.people["lead"]) or c.inspection,
        lambda c, i, actor: services.inspection_close(i, actor=actor, note="检查情况已记录。"),
        lambda c, i: (
            Inspection.objects.get(pk=i.pk).status == InspectionStatus.CLOSED
            and CreditRecord.objects.filter(credit_code=c.home.credit_code).exists()
        ),
    ),
    "publish": Step(
        closed,
        lambda c, i, actor: services.inspection_publish(i, actor=actor, summary="未发现问题。"),
        lambda c, i: Inspection.objects.get(pk=i.pk).status == InspectionStatus.PUBLISHED,
    ),
    "cancel": Step(
        _same,
        lambda c, i, actor: services.inspection_cancel(i, actor=actor),
        lambda c, i: Inspection.objects.get(pk=i.pk).status == InspectionStatus.CANCELLED,
    ),
    "evidence": Step(
        _same,
        lambda c, i, actor: services.evidence_add(i, jpeg(), actor=actor, caption="通道"),
        lambda c, i: Evidence.objects.filter(inspection=i).exists(),
    ),
    "finding_create": Step(
        lambda c: None,
        # Any department's acting post over the region records what it finds (handed over by
        # remit); the system names the department it records for.
        lambda c, _, actor: services.finding_create(
            c.home,
            c.field.duty_item.domain,
            actor=actor,
            description="未落实24小时值班",
            department=c.world.mz if actor is policy.SYSTEM else None,
        ),
        lambda c, _: Finding.objects.filter(institution=c.home).exists(),
        frozenset(CIVIL | {"xf", "sj"}),
    ),
    "set_severity": Step(
        lambda c: services.finding_create(
            c.home, c.field.duty_item.domain, actor=c.people["lead"], description="未落实24小时值班"
        ),
        lambda c, f, actor: services.finding_set_severity(f, actor=actor, severity="serious"),
        lambda c, f: Finding.objects.get(pk=f.pk).severity == "serious",
    ),
}


@pytest.mark.parametrize("persona", EVERYONE)
@pytest.mark.parametrize("step", list(STEPS))
def test_each_service_asks_the_policy(cast, step, persona):
    spec = STEPS[step]
    target = spec.prepare(cast)
    actor = cast.people[persona]
    if persona in spec.allowed:
        spec.act(cast, target, actor)
        assert spec.happened(cast, target)
    else:
        with pytest.raises(policy.Denied):
            spec.act(cast, target, actor)
        assert not spec.happened(cast, target)


def test_a_refused_close_writes_no_credit_record(cast):
    """The measured fault: an auditor's close went through and moved the grade."""
    complete_record(cast.inspection, cast.people["lead"])
    with pytest.raises(policy.Denied, match=r"审计员|无权"):
        services.inspection_close(cast.inspection, actor=cast.people["auditor"], note="检查情况已记录。")
    assert not CreditRecord.objects.filter(credit_code=cast.home.credit_code).exists()
    assert Inspection.objects.get(pk=cast.inspection.pk).status == InspectionStatus.IN_PROGRESS


def test_acting_department_is_role_aware(cast, world):
    region = cast.home.region
    assert services.acting_department(cast.people["lead"], region) == world.mz
    assert services.acting_department(cast.people["auditor"], region) is None
    assert services.acting_department(cast.people["liaison"], region) is None
    assert services.acting_department(cast.people["township"], region) is None
    both = UserFactory(username="mz_auditor_xf_inspector")
    AssignmentFactory(user=both, department=world.mz, region=world.yanggu, role=Role.AUDITOR)
    AssignmentFactory(user=both, department=world.xf, region=world.yanggu, role=Role.INSPECTOR)
    assert services.acting_department(both, region) == world.xf


# --- joint inspections: partners act, record their own remit, and do not publish ------------------


@pytest.fixture
def joint(cast, world, field) -> Inspection:
    return services.inspection_create(
        cast.home,
        actor=world.yanggu_mz,
        kind="joint",
        team=[field.inspectors[1], field.xf_inspectors[0]],
        partner_departments=[world.xf],
    )


def test_a_partner_records_the_items_of_its_remit_only(cast, joint, world, field):
    result = services.item_result_record(joint, field.fire_item, actor=world.yanggu_xf, outcome="pass")
    assert result.department == world.xf
    with pytest.raises(ValidationError, match="民政"):
        services.item_result_record(joint, field.duty_item, actor=world.yanggu_xf, outcome="pass")
    # Market regulation takes no part: out of the inspection, refused whatever the item.
    with pytest.raises(policy.Denied):
        services.item_result_record(joint, field.fire_item, actor=cast.people["sj"], outcome="fail")


def test_a_partner_signs_and_confirms_but_only_the_inspecting_department_publishes(cast, joint, world, field):
    services.inspection_sign(joint, actor=world.yanggu_xf, name="李院长", acknowledged=True)
    services.inspection_confirm_inspector(joint, field.xf_inspectors[0], actor=world.yanggu_xf)
    assert Inspection.objects.get(pk=joint.pk).representative_signed
    for item in services.required_items(joint):  # fire rescue records its own items
        if services.department_covers(world.xf, item.domain):
            services.item_result_record(joint, item, actor=world.yanggu_xf, outcome="pass")
    close_complete(joint, actor=world.yanggu_mz, inspected_on=dt.date(2026, 11, 30))
    with pytest.raises(policy.Denied, match="检查部门"):
        services.inspection_publish(joint, actor=world.yanggu_xf)
    assert Inspection.objects.get(pk=joint.pk).status == InspectionStatus.CLOSED
    services.inspection_publish(joint, actor=world.yanggu_mz)
    assert Inspection.objects.get(pk=joint.pk).status == InspectionStatus.PUBLISHED


def test_the_supervising_partner_grades_its_finding(cast, world, field):
    fire = services.finding_create(
        cast.home, field.fire_item.domain, actor=world.yanggu_xf, description="灭火器过期"
    )
    assert fire.supervising_department == world.xf
    services.finding_set_severity(fire, actor=world.yanggu_xf, severity="serious")
    with pytest.raises(policy.Denied):
        services.finding_set_severity(fire, actor=cast.people["sj"], severity="major")
    assert Finding.objects.get(pk=fire.pk).severity == "serious"


# --- the staff pages --------------------------------------------------------------------------------


@dataclass
class Route:
    """One write page: how to prepare it, where to post, a valid payload, whether it happened."""

    prepare: Callable[[Any], Any]
    url: Callable[[Any, Any], str]
    data: Callable[[Any, Any], dict[str, Any]]
    happened: Callable[[Any, Any], bool]


def _plan_post(c: Any, _: Any) -> dict[str, Any]:
    fields = plan_fields(c.world)
    return {
        **fields,
        "region": c.world.yanggu.pk,
        "department": c.world.mz.pk,
        "weight_high": "3",
        "weight_medium": "1.5",
        "weight_low": "1",
        "coverage_period": "year",
    }


def _action(name: str) -> Callable[[Any, Any], str]:
    return lambda c, i: f"/inspections/{i.pk}/{name}/"


ROUTES: dict[str, Route] = {
    "plan_create": Route(
        STEPS["plan_create"].prepare,
        lambda c, _: "/inspections/plans/new/",
        _plan_post,
        STEPS["plan_create"].happened,
    ),
    "draw_create": Route(
        STEPS["draw_create"].prepare,
        lambda c, plan: f"/inspections/plans/{plan.pk}/draw/",
        lambda c, _: {},
        STEPS["draw_create"].happened,
    ),
    **{
        f"draw_{name}": Route(
            STEPS[f"draw_{name}"].prepare,
            lambda c, d, name=name: f"/inspections/draws/{d.pk}/{name}/",
            lambda c, _: {"reason": "名录库数据有误"},
            STEPS[f"draw_{name}"].happened,
        )
        for name in ("execute", "reveal", "redraw")
    },
    "inspection_create": Route(
        lambda c: None,
        lambda c, _: "/inspections/new/",
        lambda c, _: {
            "institution": c.home.pk,
            "kind": "special",
            "team": [c.field.inspectors[1].pk, c.field.inspectors[2].pk],
        },
        STEPS["inspection_create"].happened,
    ),
    "checklist": Route(
        _same,
        _action("checklist"),
        lambda c, _: {f"item-{c.field.duty_item.pk}": "pass"},
        STEPS["record"].happened,
    ),
    "sign": Route(
        _same, _action("sign"), lambda c, _: {"name": "李院长", "acknowledged": "on"}, STEPS["sign"].happened
    ),
    "refuse": Route(
        _same,
        _action("refuse"),
        lambda c, _: {"name": "李院长", "witness": "王村委"},
        STEPS["refuse"].happened,
    ),
    "confirm": Route(
        _same,
        _action("confirm"),
        lambda c, _: {"inspector": c.field.inspectors[1].pk},
        STEPS["confirm"].happened,
    ),
    "close": Route(
        STEPS["close"].prepare,
        _action("close"),
        lambda c, _: {"inspected_on": "2026-11-30", "note": "检查情况已记录。"},
        STEPS["close"].happened,
    ),
    "publish": Route(
        closed, _action("publish"), lambda c, _: {"summary": "未发现问题。"}, STEPS["publish"].happened
    ),
    "evidence": Route(
        _same,
        _action("evidence"),
        lambda c, _: {"photo": SimpleUploadedFile("p.jpg", jpeg(), "image/jpeg"), "caption": "通道"},
        STEPS["evidence"].happened,
    ),
    "finding_create": Route(
        lambda c: None,
        lambda c, _: "/inspections/findings/new/",
        lambda c, _: {
            "institution": c.home.pk,
            "domain": c.field.duty_item.domain.pk,
            "severity": "general",
            "description": "未落实24小时值班",
        },
        STEPS["finding_create"].happened,
    ),
}


@pytest.mark.parametrize("persona", ["auditor", "liaison"])
@pytest.mark.parametrize("route", list(ROUTES))
def test_pages_refuse_auditors_and_liaisons(cast, client, route, persona):
    """The measured fault: with a complete payload these went through. Now 403, nothing written."""
    spec = ROUTES[route]
    target = spec.prepare(cast)
    client.force_login(cast.people[persona])
    response = client.post(spec.url(cast, target), spec.data(cast, target))
    assert response.status_code == 403, response.status_code
    assert "无权" in response.content.decode()
    assert not spec.happened(cast, target)


@pytest.mark.parametrize("route", list(ROUTES))
def test_pages_refuse_before_reading_the_form(cast, client, route):
    spec = ROUTES[route]
    target = spec.prepare(cast)
    client.force_login(cast.people["auditor"])
    assert client.post(spec.url(cast, target), {}).status_code == 403


@pytest.mark.parametrize("route", list(ROUTES))
def test_pages_still_let_the_lead_inspector_act(cast, client, route):
    spec = ROUTES[route]
    target = spec.prepare(cast)
    client.force_login(cast.people["lead"])
    response = client.post(spec.url(cast, target), spec.data(cast, target))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert spec.happened(cast, target)


@pytest.mark.parametrize(
    "route", [r for r in ROUTES if r not in ("plan_create", "inspection_create", "finding_create")]
)
@pytest.mark.parametrize("persona", ["xf", "sibling", "township"])
def test_pages_of_objects_out_of_scope_are_404(cast, client, route, persona):
    spec = ROUTES[route]
    target = spec.prepare(cast)
    client.force_login(cast.people[persona])
    assert client.post(spec.url(cast, target), spec.data(cast, target)).status_code == 404
    assert not spec.happened(cast, target)


@pytest.mark.parametrize("route", list(ROUTES))
def test_pages_send_anonymous_to_login(cast, client, route):
    spec = ROUTES[route]
    target = spec.prepare(cast)
    response = client.post(spec.url(cast, target), spec.data(cast, target))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not spec.happened(cast, target)


def test_unknown_action_slugs_are_404(cast, client):
    client.force_login(cast.people["lead"])
    assert client.post(f"/inspections/{cast.inspection.pk}/bogus/", {}).status_code == 404
    draw = lead_draw(cast)
    assert client.post(f"/inspections/draws/{draw.pk}/bogus/", {}).status_code == 404


def test_pages_offer_only_the_actions_the_policy_allows(cast, client):
    inspection = cast.inspection
    client.force_login(cast.people["lead"])
    page = client.get(f"/inspections/{inspection.pk}/").content.decode()
    for action in ("sign", "refuse", "confirm", "close", "evidence"):
        assert f"/inspections/{inspection.pk}/{action}/" in page, action
    client.force_login(cast.people["auditor"])
    page = client.get(f"/inspections/{inspection.pk}/").content.decode()
    for action in ("sign", "refuse", "confirm", "close", "evidence"):
        assert f"/inspections/{inspection.pk}/{action}/" not in page, action
    assert 'id="open-checklist"' not in page
    checklist = client.get(f"/inspections/{inspection.pk}/checklist/").content.decode()
    assert "checklist-save" not in checklist
    plan = cast.field.plan
    assert (
        f"/inspections/plans/{plan.pk}/draw/"
        not in client.get(f"/inspections/plans/{plan.pk}/").content.decode()
    )
    draw = lead_draw(cast)
    page = client.get(f"/inspections/draws/{draw.pk}/").content.decode()
    assert "/execute/" not in page and "/redraw/" not in page
    assert "/inspections/plans/new/" not in client.get("/inspections/plans/").content.decode()
    client.force_login(cast.people["lead"])
    page = client.get(f"/inspections/draws/{draw.pk}/").content.decode()
    assert "/execute/" in page and "/redraw/" in page
    assert (
        f"/inspections/plans/{plan.pk}/draw/" in client.get(f"/inspections/plans/{plan.pk}/").content.decode()
    )


# --- the API ----------------------------------------------------------------------------------------


API: dict[str, tuple[Callable[[Any], Any], str, Callable[[Any], dict[str, Any]], str]] = {
    "sign": (_same, "sign", lambda c: {"name": "李院长", "acknowledged": True}, "sign"),
    "confirm": (_same, "confirm", lambda c: {"inspector": c.field.inspectors[1].public_code}, "confirm"),
    "refuse-signature": (
        _same,
        "refuse-signature",
        lambda c: {"name": "李院长", "witness": "王村委"},
        "refuse",
    ),
    "close": (STEPS["close"].prepare, "close", lambda c: {"note": "检查情况已记录。"}, "close"),
}


@pytest.mark.parametrize("persona", ["lead", "auditor", "liaison", "xf", "sibling"])
@pytest.mark.parametrize("name", list(API))
def test_api_inspection_actions_ask_the_policy(cast, api_for, name, persona):
    prepare, path, data, step = API[name]
    target = prepare(cast)
    response = api_for(cast.people[persona]).post(
        f"/api/v1/inspections/{target.pk}/{path}/", data(cast), format="json"
    )
    if persona == "lead":
        assert response.status_code == 200, response.content
        assert STEPS[step].happened(cast, target)
        return
    expected = 404 if persona in ("xf", "sibling") else 403
    assert response.status_code == expected, response.content
    if expected == 403:
        assert "无权" in response.json()["detail"]
    assert not STEPS[step].happened(cast, target)


@pytest.mark.parametrize("name", list(API))
def test_api_refuses_before_validating(cast, api_for, client, name):
    prepare, path, _data, _step = API[name]
    target = prepare(cast)
    url = f"/api/v1/inspections/{target.pk}/{path}/"
    assert api_for(cast.people["auditor"]).post(url, {}, format="json").status_code == 403
    assert client.post(url, {}, content_type="application/json").status_code in (401, 403)


def test_api_finding_create_asks_the_policy(cast, api_for, client):
    body = {"institution": cast.home.pk, "domain": "operations", "description": "未落实24小时值班"}
    for persona in ("auditor", "liaison"):
        response = api_for(cast.people[persona]).post("/api/v1/findings/", body, format="json")
        assert response.status_code == 403 and "无权" in response.json()["detail"], response.content
        assert api_for(cast.people[persona]).post("/api/v1/findings/", {}, format="json").status_code == 403
    assert client.post("/api/v1/findings/", body, content_type="application/json").status_code in (401, 403)
    assert not Finding.objects.exists()
    ok = api_for(cast.people["lead"]).post("/api/v1/findings/", body, format="json")
    assert ok.status_code == 201, ok.content
    assert ok.json()["supervising_department"] == "civil_affairs"
