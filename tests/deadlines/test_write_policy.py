"""The write policy on clocks (issue 13): a clock is waived by the leaders and administrators of
its responsible department over its region — a civil-affairs leader does not waive fire
rescue's rectification clock — and reassigned by that department's administrators; procedures
that close their own clocks act as the system. And the key-fire-unit drill period is a rule
(a case override of ``drill.fire``), not a constant in code."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from supervision.core import policy
from supervision.core.models import Role
from supervision.deadlines.models import Deadline, DeadlineState, Rule, RuleOverride
from supervision.deadlines.services import deadline_reassign, deadline_waive, open_deadlines_for, rule_for
from tests.core.write_personas import person, personas

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def who(world):
    return personas(world)


@pytest.fixture
def fire_clock(open_clock, world):
    """Fire rescue's rectification clock in 阳谷县."""
    return open_clock(D(2026, 9, 28), rule="rectification.item", department=world.xf)


@pytest.fixture
def civil_clock(open_clock, world):
    return open_clock(D(2026, 9, 28), region=world.yanggu_town)


@pytest.fixture
def xf_posts(world):
    return {
        "xf_leader": person("wp_yanggu_xf_leader", world.xf, world.yanggu, Role.LEADER),
        "xf_admin": person("wp_yanggu_xf_admin", world.xf, world.yanggu, Role.ADMIN),
    }


def actor_of(who, xf_posts, name):
    return xf_posts[name] if name in xf_posts else who.get(name)


@pytest.mark.parametrize(
    "name, allowed",
    [
        ("xf_leader", True),
        ("xf_admin", True),
        ("system", True),
        ("sysadmin", True),
        ("leader", False),  # civil affairs' leader: not the responsible department
        ("admin", False),
        ("xf", False),  # an inspector does not waive
        ("auditor", False),
        ("liaison", False),
        ("none", False),
        ("anonymous", False),
    ],
)
def test_only_the_responsible_departments_leaders_and_admins_waive(who, xf_posts, fire_clock, name, allowed):
    actor = actor_of(who, xf_posts, name)
    if allowed:
        assert deadline_waive(fire_clock, reason="并案处理", actor=actor).state == DeadlineState.WAIVED
        assert Deadline.objects.get(pk=fire_clock.pk).waived_by == policy.as_user(actor)
        return
    with pytest.raises(PermissionDenied):
        deadline_waive(fire_clock, reason="并案处理", actor=actor)
    assert Deadline.objects.get(pk=fire_clock.pk).state == DeadlineState.OPEN


def test_civil_affairs_waives_its_own_clock_within_its_county(world, who, civil_clock, open_clock):
    with pytest.raises(PermissionDenied):
        deadline_waive(civil_clock, reason="机构已注销", actor=who.lead)
    sibling_leader = person("wp_dongchangfu_leader", world.mz, world.dongchangfu, Role.LEADER)
    with pytest.raises(PermissionDenied):
        deadline_waive(civil_clock, reason="机构已注销", actor=sibling_leader)
    assert deadline_waive(civil_clock, reason="机构已注销", actor=who.leader).state == DeadlineState.WAIVED


def test_pages_and_api_refuse_a_civil_affairs_leader_on_fire_rescues_clock(
    who, xf_posts, fire_clock, client_for, api_for
):
    url = reverse("deadlines:waive", args=[fire_clock.pk])
    leader = client_for(who.leader)
    detail = leader.get(reverse("deadlines:detail", args=[fire_clock.pk])).content.decode()
    assert url not in detail  # no waive form offered
    web = leader.post(url, {})  # refused before the (empty) form is read
    assert web.status_code == 403 and "消防救援" in web.content.decode()
    api = api_for(who.leader).post(f"/api/v1/deadlines/{fire_clock.pk}/waive/", {})
    assert api.status_code == 403 and "消防救援" in api.json()["detail"]
    assert Deadline.objects.get(pk=fire_clock.pk).state == DeadlineState.OPEN
    # Positive control: fire rescue's leader gets the form and past the policy.
    xf = client_for(xf_posts["xf_leader"])
    assert url in xf.get(reverse("deadlines:detail", args=[fire_clock.pk])).content.decode()
    assert xf.post(url, {"reason": ""}).status_code == 400  # the form's own error
    assert xf.post(url, {"reason": "并案处理"}).status_code == 302
    assert Deadline.objects.get(pk=fire_clock.pk).state == DeadlineState.WAIVED


@pytest.mark.parametrize(
    "name, allowed",
    [("admin", True), ("system", True), ("lead", False), ("leader", False), ("xf", False), ("none", False)],
)
def test_reassigning_is_for_the_departments_admins(world, who, civil_clock, name, allowed):
    actor = who.get(name)
    call = lambda: deadline_reassign(  # noqa: E731
        civil_clock.subject, "filing.onsite_check", department=world.xf, region=world.yanggu, actor=actor
    )
    if allowed:
        assert call() == 1
        assert Deadline.objects.get(pk=civil_clock.pk).department == world.xf
        return
    with pytest.raises(PermissionDenied):
        call()
    assert Deadline.objects.get(pk=civil_clock.pk).department == world.mz


# --- the key-fire-unit drill period is a rule -----------------------------------------------------


def test_the_key_fire_unit_period_ships_as_a_case_override_of_the_fire_drill_rule(world):
    override = RuleOverride.objects.get(rule__code="drill.fire", case="key_fire_unit")
    assert override.region is None and override.length == 182
    assert "至少每半年进行1次消防演练" in override.source_quote and override.source_article == "（五）"
    assert rule_for("drill.fire", region=world.yanggu_town, case="key_fire_unit").amount == 182
    assert rule_for("drill.fire", region=world.yanggu_town).amount == 365


def test_the_case_override_wins_over_a_regional_one_and_is_editable(world):
    rule = Rule.objects.get(code="drill.fire")
    RuleOverride.objects.create(rule=rule, region=world.yanggu, length=300)
    assert rule_for("drill.fire", region=world.yanggu_town).amount == 300
    assert rule_for("drill.fire", region=world.yanggu_town, case="key_fire_unit").amount == 182
    RuleOverride.objects.filter(rule=rule, case="key_fire_unit").update(length=120)
    assert rule_for("drill.fire", region=world.yanggu_town, case="key_fire_unit").amount == 120


def test_a_key_fire_units_drill_clock_follows_the_edited_rule(world):
    from institutions import services
    from tests.institutions.factories import InstitutionFactory

    RuleOverride.objects.filter(rule__code="drill.fire", case="key_fire_unit").update(length=150)
    key = InstitutionFactory(region=world.yanggu_town, is_key_fire_unit=True)
    other = InstitutionFactory(region=world.yanggu_town, is_key_fire_unit=False)
    for inst in (key, other):
        services.drill_record(inst, actor=world.yanggu_mz, held_on=D(2026, 3, 10), kind="fire")
    due = {i.pk: open_deadlines_for(i).get(rule__code="drill.fire").due for i in (key, other)}
    assert due[key.pk] == D(2026, 3, 10) + dt.timedelta(days=150)
    assert due[other.pk] == D(2026, 3, 10) + dt.timedelta(days=365)
