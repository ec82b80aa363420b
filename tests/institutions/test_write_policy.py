"""The write policy on the registry (issue 13): civil affairs keeps it ("keep"/"edit"), any
department's acting post reports ("report"); auditors, liaisons, another township's post and
the sibling county only read; the system acts; a missing or anonymous actor is refused. An
institution's region changes only within the jurisdiction of the one who changes it — the same
rule on the API and on the form."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from institutions import services
from institutions.models import Institution, InstitutionStatus
from supervision.core.models import Role
from tests.core.write_personas import personas
from tests.factories import AssignmentFactory, RegionFactory, UserFactory
from tests.institutions.factories import InstitutionFactory
from tests.scenes import scene

pytestmark = pytest.mark.django_db

KEEPERS = {"lead", "leader", "admin", "sysadmin", "system"}
REPORTERS = KEEPERS | {"xf", "sj"}
ALL = ["lead", "leader", "admin", "auditor", "liaison", "xf", "sj", "township", "sibling", "sysadmin"]
ACTORS = [*ALL, "system", "none", "anonymous"]


@scene
def who(world):
    return personas(world)


@scene
def home(world):
    return InstitutionFactory(name="阳谷县福寿养老院", region=world.yanggu_town)


def file(inst, actor):
    return services.filing_submit(
        inst,
        actor=actor,
        submitted_on=dt.date(2026, 9, 28),
        commitment_text="本机构承诺……",
        certificate_number="民证字第 8 号",
    )


@pytest.mark.parametrize("name", ACTORS)
def test_only_civil_affairs_keeps_the_registry(world, who, home, name):
    actor = who.get(name)
    if name in KEEPERS:
        file(home, actor)
        assert Institution.objects.get(pk=home.pk).status == InstitutionStatus.FILED
        return
    with pytest.raises(PermissionDenied):
        file(home, actor)
    with pytest.raises(PermissionDenied):
        services.institution_update(home, actor=actor, beds=999)
    home.refresh_from_db()
    assert home.status == InstitutionStatus.REGISTERED_NOT_FILED and home.beds != 999


@pytest.mark.parametrize("name", ACTORS)
def test_any_departments_acting_post_reports_a_drill(world, who, home, name):
    actor = who.get(name)
    if name in REPORTERS:
        drill = services.drill_record(home, actor=actor, held_on=dt.date(2026, 10, 9), kind="fire")
        assert drill.pk is not None
        return
    with pytest.raises(PermissionDenied):
        services.drill_record(home, actor=actor, held_on=dt.date(2026, 10, 9), kind="fire")
    assert not home.drills.exists()


@pytest.mark.parametrize("name", ["auditor", "liaison", "xf", "sj", "township", "sibling"])
def test_refused_posts_get_403_or_404_on_an_empty_post_and_allowed_ones_reach_the_form(
    world, who, home, client_for, name
):
    response = client_for(who.get(name)).post(f"/institutions/{home.pk}/filing/", {})
    # Out of scope is 404 (another township, the sibling county), in scope but not a keeper 403.
    assert response.status_code == (404 if name in ("township", "sibling") else 403)
    allowed = client_for(who.lead).post(f"/institutions/{home.pk}/filing/", {})
    assert allowed.status_code == 200 and allowed.context["form"].errors  # past the policy


def test_auditors_and_liaisons_see_no_write_buttons_partners_see_the_report_ones(
    world, who, home, client_for
):
    for name in ("auditor", "liaison"):
        page = client_for(who.get(name)).get(f"/institutions/{home.pk}/").content.decode()
        assert home.name in page
        assert f"/institutions/{home.pk}/edit/" not in page and f"/institutions/{home.pk}/plan/" not in page
    page = client_for(who.xf).get(f"/institutions/{home.pk}/").content.decode()
    assert f"/institutions/{home.pk}/plan/" in page and f"/institutions/{home.pk}/edit/" not in page
    page = client_for(who.lead).get(f"/institutions/{home.pk}/").content.decode()
    assert f"/institutions/{home.pk}/edit/" in page and f"/institutions/{home.pk}/plan/" in page


# --- the region of an institution ---------------------------------------------------------------


@pytest.fixture
def two_posts(world):
    """阳谷县民政 inspector who is also an auditor of 聊城市民政: sees the whole city (东昌府区
    too) but keeps the registry of 阳谷县 only — seeing is not acting."""
    user = UserFactory(username="yanggu_mz_city_auditor")
    AssignmentFactory(user=user, department=world.mz, region=world.yanggu, role=Role.INSPECTOR)
    AssignmentFactory(user=user, department=world.mz, region=world.liaocheng, role=Role.AUDITOR)
    return user


@pytest.fixture
def other_yanggu_town(world):
    return RegionFactory(code="371521003000", name="狮子楼街道", level=4, parent=world.yanggu)


def test_api_refuses_moving_an_institution_out_of_the_editors_jurisdiction(
    world, home, api_for, other_yanggu_town
):
    url = f"/api/v1/institutions/{home.credit_code}/"
    response = api_for(world.yanggu_mz).patch(url, {"region": world.dongchangfu_town.code}, format="json")
    assert response.status_code == 403 and "不在您维护机构名录的辖区内" in response.json()["detail"]
    home.refresh_from_db()
    assert home.region == world.yanggu_town
    assert api_for(world.yanggu_mz).get(url).status_code == 200  # its own county still has it
    # Positive control: a move inside the jurisdiction goes through.
    ok = api_for(world.yanggu_mz).patch(url, {"region": other_yanggu_town.code}, format="json")
    assert ok.status_code == 200 and ok.json()["region"] == other_yanggu_town.code


def test_the_service_refuses_the_move_whoever_calls_it(world, home):
    with pytest.raises(PermissionDenied, match="不在您维护机构名录的辖区内"):
        services.institution_update(home, actor=world.yanggu_mz, region=world.dongchangfu_town)
    home.refresh_from_db()
    assert home.region == world.yanggu_town
    # Where the institution goes must be the mover's too: the sibling county cannot pull it in.
    with pytest.raises(PermissionDenied):
        services.institution_update(home, actor=world.dongchangfu_mz, region=world.dongchangfu_town)


def edit_data(inst, **over):
    data = {
        "credit_code": inst.credit_code,
        "name": inst.name,
        "kind": inst.kind,
        "nature": inst.nature,
        "registration_authority": inst.registration_authority,
        "region": inst.region_id,
        "address": inst.address,
        "beds": inst.beds,
        "residents": inst.residents,
        "fire_acceptance": inst.fire_acceptance,
    }
    data.update(over)
    return data


def test_form_and_api_apply_the_same_rule_to_a_new_region(
    world, home, two_posts, client_for, api_for, other_yanggu_town
):
    c = client_for(two_posts)
    form = c.get(f"/institutions/{home.pk}/edit/").content.decode()
    assert world.dongchangfu_town.name in form  # offered: the user sees the whole city
    web = c.post(f"/institutions/{home.pk}/edit/", edit_data(home, region=world.dongchangfu_town.pk))
    assert web.status_code == 403 and "不在您维护机构名录的辖区内" in web.content.decode()
    api = api_for(two_posts).patch(
        f"/api/v1/institutions/{home.credit_code}/", {"region": world.dongchangfu_town.code}, format="json"
    )
    assert api.status_code == 403 and "不在您维护机构名录的辖区内" in api.json()["detail"]
    home.refresh_from_db()
    assert home.region == world.yanggu_town
    moved = c.post(f"/institutions/{home.pk}/edit/", edit_data(home, region=other_yanggu_town.pk))
    assert moved.status_code == 302
    home.refresh_from_db()
    assert home.region == other_yanggu_town


def test_the_form_of_a_county_inspector_does_not_move_it_either(world, home, client_for):
    response = client_for(world.yanggu_mz).post(
        f"/institutions/{home.pk}/edit/", edit_data(home, region=world.dongchangfu_town.pk)
    )
    assert response.status_code in (200, 403)  # not offered (form error) or refused
    home.refresh_from_db()
    assert home.region == world.yanggu_town


def test_create_follows_the_same_rule(world, two_posts, client_for, api_for):
    from tests.institutions.factories import credit_code

    payload = {
        "credit_code": credit_code(777),
        "name": "东昌府区福康养老院",
        "kind": "care_home",
        "nature": "for_profit",
        "registration_authority": "market",
        "address": "古楼街道",
        "beds": 10,
        "residents": 0,
        "fire_acceptance": "passed",
    }
    api = api_for(two_posts).post(
        "/api/v1/institutions/", {**payload, "region": world.dongchangfu_town.code}, format="json"
    )
    assert api.status_code == 403
    web = client_for(two_posts).post("/institutions/new/", {**payload, "region": world.dongchangfu_town.pk})
    assert web.status_code == 403
    assert not Institution.objects.filter(name="东昌府区福康养老院").exists()
    ok = api_for(world.dongchangfu_mz).post(
        "/api/v1/institutions/", {**payload, "region": world.dongchangfu_town.code}, format="json"
    )
    assert ok.status_code == 201
