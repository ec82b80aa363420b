"""Who may write rectification (issue 13): the issuing department's acting posts (inspector,
leader, admin) over the notice's region handle notices, items, and penalties; a leader of the
issuing department approves a suspension order; civil affairs (the lead department) sees a
partner's notices but does not handle them, except 挂牌督办, which it opens and which it or the
hazard's department reports on and closes; auditors and liaisons only read; a sibling county and
a township post elsewhere never act. Refusals are ``Denied`` in the services and 403 on the web
and the API, before any input is read; a missing or anonymous actor is refused, the explicit
``SYSTEM`` actor is allowed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.test import Client
from rest_framework.test import APIClient

from inspections import services as inspection_services
from inspections.rectification import services
from inspections.rectification.models import SuspensionOrder
from supervision.core import policy
from supervision.core.models import Domain, Role
from supervision.deadlines.services import deadline_waive, open_deadlines_for
from tests.factories import AssignmentFactory, RegionFactory, UserFactory
from tests.scenes import scene

pytestmark = pytest.mark.django_db

REINSPECTED = dt.date(2026, 10, 12)
CIVIL = {"lead", "leader", "admin"}
FIRE = {"xf", "xf_leader"}


@scene
def people(world) -> dict[str, Any]:
    def post(username: str, dept: Any, region: Any, role: str) -> Any:
        user = UserFactory(username=username, display_name=username)
        AssignmentFactory(user=user, department=dept, region=region, role=role)
        return user

    elsewhere = RegionFactory(code="371521102000", name="狮子楼街道", level=4, parent=world.yanggu)
    return {
        "lead": world.yanggu_mz,
        "leader": world.yanggu_leader,
        "admin": post("yanggu_admin", world.mz, world.yanggu, Role.ADMIN),
        "auditor": post("yanggu_auditor", world.mz, world.yanggu, Role.AUDITOR),
        "liaison": post("yanggu_liaison", world.mz, world.yanggu, Role.LIAISON),
        "xf": world.yanggu_xf,
        "xf_leader": post("yanggu_xf_leader", world.xf, world.yanggu, Role.LEADER),
        "sj": post("yanggu_sj", world.sj, world.yanggu, Role.INSPECTOR),
        # a township post of civil affairs, in another township than the institution's
        "township": post("shizilou_mz", world.mz, elsewhere, Role.INSPECTOR),
        "sibling": world.dongchangfu_mz,
    }


@pytest.fixture
def o(world, site, issued) -> SimpleNamespace:
    """A civil-affairs notice and a fire-rescue notice (each item reported), a civil draft,
    a suspension draft on each notice, a 挂牌督办 of the fire hazard and a fire penalty."""
    mz_notice = issued(site.duty)
    xf_notice = services.notice_issue(
        services.notice_create(
            site.home,
            [services.ItemSpec(site.fire, "《消防法》第二十八条", "清理安全出口", period_workdays=5)],
            actor=world.yanggu_xf,
        ),
        actor=world.yanggu_xf,
        on=dt.date(2026, 9, 28),
    )
    mz_item, xf_item = mz_notice.items.get(), xf_notice.items.get()
    services.item_respond(mz_item, actor=world.yanggu_mz, action_taken="已补全值班记录")
    services.item_respond(xf_item, actor=world.yanggu_xf, action_taken="已清理")
    operations = Domain.objects.get(code="operations")
    extra = inspection_services.finding_create(
        site.home, operations, actor=world.yanggu_mz, description="消防演练记录缺失"
    )
    draft = services.notice_create(
        site.home,
        [services.ItemSpec(extra, "《养老机构管理办法》第二十八条", "补齐记录", period_workdays=10)],
        actor=world.yanggu_mz,
    )
    fire = Domain.objects.get(code="fire")
    second_major = inspection_services.finding_create(
        site.home, fire, actor=world.yanggu_xf, description="厨房燃气管道私接", severity="major"
    )
    listing = services.listing_open(
        site.fire, actor=world.yanggu_mz, supervising_body="阳谷县人民政府", on=dt.date(2026, 10, 1)
    )
    penalty = services.penalty_record(
        site.home,
        actor=world.yanggu_xf,
        decision_number="阳消行罚决字〔2026〕9号",
        kind="fine",
        fine_amount=Decimal("5000"),
        facts="安全出口堵塞",
        legal_basis="《消防法》第六十条",
        decided_on=dt.date(2026, 5, 6),
    )
    return SimpleNamespace(
        mz_notice=mz_notice,
        xf_notice=xf_notice,
        mz_item=mz_item,
        xf_item=xf_item,
        draft=draft,
        mz_order=SuspensionOrder.objects.create(notice=mz_notice, reasons="1. 夜间值班记录缺失"),
        xf_order=SuspensionOrder.objects.create(notice=xf_notice, reasons="1. 安全出口堵塞"),
        second_major=second_major,
        listing=listing,
        penalty=penalty,
    )


def verdict(site: Any, inspector: str) -> dict[str, Any]:
    return {"acceptor": getattr(site, inspector), "observed": "现场复查", "reinspected_on": REINSPECTED}


def cases(site: Any, o: SimpleNamespace) -> dict[str, tuple[Callable[[Any], Any], set[str]]]:
    """Each write with a valid input, and who may do it."""
    return {
        "notice issue": (lambda a: services.notice_issue(o.draft, actor=a, on=dt.date(2026, 10, 8)), CIVIL),
        "notice discard": (lambda a: services.notice_discard(o.draft, actor=a), CIVIL),
        "civil item respond": (
            lambda a: services.item_respond(o.mz_item, actor=a, action_taken="再报"),
            CIVIL,
        ),
        "civil item accept": (
            lambda a: services.item_accept(o.mz_item, actor=a, **verdict(site, "mz_inspector")),
            CIVIL,
        ),
        "fire item respond": (lambda a: services.item_respond(o.xf_item, actor=a, action_taken="再报"), FIRE),
        "fire item accept": (
            lambda a: services.item_accept(o.xf_item, actor=a, **verdict(site, "xf_inspector")),
            FIRE,
        ),
        "fire item reject": (
            lambda a: services.item_reject(o.xf_item, actor=a, **verdict(site, "xf_inspector")),
            FIRE,
        ),
        "civil order approve": (lambda a: services.suspension_approve(o.mz_order, actor=a), {"leader"}),
        "fire order approve": (lambda a: services.suspension_approve(o.xf_order, actor=a), {"xf_leader"}),
        "listing open": (
            lambda a: services.listing_open(o.second_major, actor=a, supervising_body="阳谷县人民政府"),
            CIVIL,
        ),
        "listing progress": (
            lambda a: services.listing_progress_add(o.listing, actor=a, text="已整改一半"),
            CIVIL | FIRE,
        ),
        "listing close": (
            lambda a: services.listing_close(o.listing, actor=a, note="复查合格"),
            CIVIL | FIRE,
        ),
        "penalty record": (
            lambda a: services.penalty_record(
                site.home,
                actor=a,
                decision_number="阳罚决字〔2026〕99号",
                kind="warning",
                facts="未建立值班制度",
                legal_basis="《养老机构管理办法》第四十六条",
                decided_on=dt.date(2026, 10, 20),
                # a user records under their own post; the system names the deciding department
                department=o.mz_notice.issuing_department if a is policy.SYSTEM else None,
            ),
            CIVIL | FIRE | {"sj"},
        ),
        "penalty appeal": (
            lambda a: services.penalty_set_appeal(o.penalty, actor=a, status="reconsideration"),
            FIRE,
        ),
        "penalty end publication": (
            lambda a: services.penalty_end_publication(
                o.penalty, actor=a, ended_on=dt.date(2026, 12, 1), reason="当事人申请信用修复，经审核符合条件"
            ),
            FIRE,
        ),
    }


def outcome(call: Callable[[Any], Any], actor: Any) -> str:
    """'allowed' when the write went through (rolled back), 'denied' (403) or 'hidden' (404)."""
    try:
        with transaction.atomic():
            call(actor)
            transaction.set_rollback(True)
    except policy.Denied:
        return "denied"
    except Http404:
        return "hidden"
    return "allowed"


def test_each_persona_writes_exactly_what_the_rules_say(world, site, people, o):
    wrong = []
    for name, (call, allowed) in cases(site, o).items():
        for persona, user in people.items():
            got = outcome(call, user)
            if (got == "allowed") != (persona in allowed):
                wrong.append(f"{name}: {persona} {got}")
    assert not wrong, "\n".join(wrong)


def test_the_lead_department_sees_a_partners_notice_but_is_refused_with_the_reason(world, site, people, o):
    """Seeing is not handling: civil affairs is refused (403, not 404) on fire rescue's item,
    with the body that handles it in the reason; so are an auditor and a liaison on its own."""
    for persona in ("lead", "leader", "admin"):
        with pytest.raises(policy.Denied, match="消防救援的管理员、监管执法人员、领导"):
            services.item_accept(o.xf_item, actor=people[persona], **verdict(site, "xf_inspector"))
    for persona in ("auditor", "liaison"):
        with pytest.raises(policy.Denied, match="民政的"):
            services.item_respond(o.mz_item, actor=people[persona], action_taken="已整改")
    with pytest.raises(policy.Denied, match="领导"):  # a fire inspector does not approve
        services.suspension_approve(o.xf_order, actor=people["xf"])


def test_waiving_a_rectification_clock_follows_the_same_rule_as_accepting_its_item(world, site, people, o):
    """A civil-affairs leader could waive fire rescue's rectification clock while being refused
    its acceptance; now both belong to the issuing department (its leader waives)."""
    clock = open_deadlines_for(o.xf_item).get()
    leader, xf_leader = people["leader"], people["xf_leader"]
    assert not policy.can(leader, o.xf_item, "accept") and not policy.can(leader, o.xf_item, "waive")
    with pytest.raises(PermissionDenied):
        deadline_waive(clock, reason="特殊情况", actor=leader)
    assert policy.can(xf_leader, o.xf_item, "accept") and policy.can(xf_leader, o.xf_item, "waive")
    assert deadline_waive(clock, reason="特殊情况", actor=xf_leader).state == "waived"


@pytest.mark.parametrize("actor", [None, AnonymousUser()], ids=["none", "anonymous"])
def test_a_missing_or_anonymous_actor_is_refused(world, site, o, actor):
    for name, (call, _allowed) in cases(site, o).items():
        assert outcome(call, actor) == "denied", name


def test_the_system_actor_is_allowed(world, site, o):
    for name, (call, _allowed) in cases(site, o).items():
        assert outcome(call, policy.SYSTEM) == "allowed", name


# --- web and API: refused before the input is read ---------------------------------------------

BASE = "/inspections/rectification"


def routes(site: Any, o: SimpleNamespace) -> list[tuple[str, str, set[str]]]:
    mz, xf = o.mz_notice.pk, o.xf_notice.pk
    return [
        (
            f"{BASE}/notices/new/",
            "web",
            CIVIL | FIRE | {"sj", "township", "sibling"},
        ),  # create: the post gates
        (f"{BASE}/notices/{o.draft.pk}/issue/", "web", CIVIL),
        (f"{BASE}/notices/{o.draft.pk}/discard/", "web", CIVIL),
        (f"{BASE}/items/{o.xf_item.pk}/respond/", "web", FIRE),
        (f"{BASE}/items/{o.xf_item.pk}/accept/", "web", FIRE),
        (f"{BASE}/items/{o.mz_item.pk}/reject/", "web", CIVIL),
        (f"{BASE}/suspensions/{o.mz_order.pk}/approve/", "web", {"leader"}),
        (f"{BASE}/suspensions/{o.xf_order.pk}/approve/", "web", {"xf_leader"}),
        (f"{BASE}/listings/new/{o.second_major.pk}/", "web", CIVIL),
        (f"{BASE}/listings/{o.listing.pk}/progress/", "web", CIVIL | FIRE),
        (f"{BASE}/listings/{o.listing.pk}/close/", "web", CIVIL | FIRE),
        (f"{BASE}/penalties/new/", "web", CIVIL | FIRE | {"sj", "township", "sibling"}),
        (f"{BASE}/penalties/{o.penalty.pk}/appeal/", "web", FIRE),
        (f"{BASE}/penalties/{o.penalty.pk}/end-publication/", "web", FIRE),
        (f"/api/v1/rectifications/{xf}/respond/", "api", FIRE),
        (f"/api/v1/rectifications/{xf}/accept/", "api", FIRE),
        (f"/api/v1/rectifications/{mz}/reject/", "api", CIVIL),
        ("/api/v1/penalties/", "api", CIVIL | FIRE | {"sj", "township", "sibling"}),
        (f"/api/v1/penalties/{o.penalty.pk}/appeal/", "api", FIRE),
        (f"/api/v1/penalties/{o.penalty.pk}/end-publication/", "api", FIRE),
    ]


def post(user: Any, url: str, kind: str) -> Any:
    client: Any = APIClient() if kind == "api" else Client()
    if user is not None:
        client.force_authenticate(user) if kind == "api" else client.force_login(user)
    with transaction.atomic():
        response = client.post(url, {}, format="json") if kind == "api" else client.post(url, {})
        transaction.set_rollback(True)
    return response


def test_web_and_api_refuse_before_reading_the_input(world, site, people, o):
    wrong = []
    for url, kind, allowed in routes(site, o):
        for persona, user in people.items():
            response = post(user, url, kind)
            refused = response.status_code in (403, 404)
            if response.status_code >= 500 or refused == (persona in allowed):
                wrong.append(f"{kind} {url}: {persona} got {response.status_code}")
        anonymous = post(None, url, kind)
        if kind == "api":
            ok = anonymous.status_code in (401, 403)
        else:
            ok = anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
        if not ok:
            wrong.append(f"{kind} {url}: anonymous got {anonymous.status_code}")
    assert not wrong, "\n".join(wrong)


def test_a_refusal_is_a_403_with_the_chinese_reason(world, site, people, o, client_for, api_for):
    page = client_for(people["leader"]).post(f"{BASE}/items/{o.xf_item.pk}/accept/", {})
    assert page.status_code == 403 and "消防救援" in page.content.decode()
    api = api_for(people["auditor"]).post(
        f"/api/v1/rectifications/{o.mz_notice.pk}/respond/", {}, format="json"
    )
    assert api.status_code == 403 and "民政的" in api.json()["detail"]
    # the allowed persona gets past the policy to the input's own errors
    bad = api_for(people["lead"]).post(f"/api/v1/rectifications/{o.mz_notice.pk}/respond/", {}, format="json")
    assert bad.status_code == 400 and "item" in bad.json()
    refused = api_for(people["lead"]).post(
        f"/api/v1/penalties/{o.penalty.pk}/end-publication/", {"reason": "x"}, format="json"
    )
    assert refused.status_code == 403 and "消防救援" in refused.json()["detail"]


def test_pages_offer_only_the_buttons_the_policy_allows(world, site, people, o, client_for):
    def page(persona: str, url: str) -> str:
        return client_for(people[persona]).get(url).content.decode()

    assert 'id="accept-form"' in page("xf", f"{BASE}/items/{o.xf_item.pk}/")
    for persona in ("lead", "auditor"):
        body = page(persona, f"{BASE}/items/{o.xf_item.pk}/")
        assert 'id="accept-form"' not in body and 'id="respond-form"' not in body
    assert 'id="approve"' not in page("leader", f"{BASE}/suspensions/{o.xf_order.pk}/")
    assert 'id="approve"' in page("leader", f"{BASE}/suspensions/{o.mz_order.pk}/")
    assert 'id="issue"' in page("lead", f"{BASE}/notices/{o.draft.pk}/")
    assert 'id="issue"' not in page("auditor", f"{BASE}/notices/{o.draft.pk}/")
    assert "listing_close" not in page("auditor", f"{BASE}/listings/{o.listing.pk}/")
    assert f"{BASE}/listings/{o.listing.pk}/close/" in page("xf", f"{BASE}/listings/{o.listing.pk}/")
    assert f"{BASE}/penalties/{o.penalty.pk}/appeal/" in page("xf", f"{BASE}/penalties/{o.penalty.pk}/")
    assert f"{BASE}/penalties/{o.penalty.pk}/appeal/" not in page("lead", f"{BASE}/penalties/{o.penalty.pk}/")
    assert f"{BASE}/notices/new/" not in page("auditor", f"{BASE}/notices/")
