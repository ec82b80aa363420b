"""The one scoping mechanism: region subtree × department remit, 404 for out-of-scope."""

from __future__ import annotations

import pytest
from django.http import Http404

from institutions.models import Institution
from supervision.core.scoping import Scope, get_visible_or_404, register_scope_extension, scope_q

pytestmark = pytest.mark.django_db


def make_institution(region, name, code):
    from stdnum.cn import uscc

    full = code + uscc.calc_check_digit(code)
    return Institution.objects.create(
        credit_code=full, name=name, kind="care_home", nature="non_profit", region=region, address="测试路1号"
    )


@pytest.fixture
def homes(world):
    return {
        "yanggu": make_institution(world.yanggu_town, "阳谷县博济桥街道敬老院", "52371521MJ000001"),
        "dongchangfu": make_institution(world.dongchangfu_town, "东昌府区古楼街道养老院", "52371502MJ000002"),
    }


def test_county_user_sees_only_own_county(world, homes):
    visible = set(Institution.objects.visible_to(world.yanggu_mz))
    assert visible == {homes["yanggu"]}


def test_sibling_county_sees_only_its_own(world, homes):
    assert set(Institution.objects.visible_to(world.dongchangfu_mz)) == {homes["dongchangfu"]}


def test_partner_department_sees_registry_in_its_jurisdiction(world, homes):
    assert set(Institution.objects.visible_to(world.yanggu_xf)) == {homes["yanggu"]}


def test_outsider_and_anonymous_see_nothing(world, homes):
    from django.contrib.auth.models import AnonymousUser

    assert not Institution.objects.visible_to(world.outsider).exists()
    assert not Institution.objects.visible_to(AnonymousUser()).exists()


def test_superuser_sees_everything(world, homes):
    assert Institution.objects.visible_to(world.sysadmin).count() == 2


def test_city_level_user_sees_both_counties(world, homes):
    from tests.factories import AssignmentFactory, UserFactory

    city = UserFactory(username="liaocheng_mz")
    AssignmentFactory(user=city, department=world.mz, region=world.liaocheng)
    assert Institution.objects.visible_to(city).count() == 2


def test_inactive_assignment_grants_nothing(world, homes):
    world.yanggu_mz.assignments.update(active=False)
    world.yanggu_mz._assignment_cache = None
    assert not Institution.objects.visible_to(world.yanggu_mz).exists()


def test_out_of_scope_is_404_not_403(world, homes):
    with pytest.raises(Http404):
        get_visible_or_404(Institution.objects.all(), world.yanggu_mz, pk=homes["dongchangfu"].pk)
    assert (
        get_visible_or_404(Institution.objects.all(), world.yanggu_mz, pk=homes["yanggu"].pk)
        == homes["yanggu"]
    )


class _FakeScoped:
    """Stand-in for a domain model with a remit (only its ``scope`` is read to build Q objects)."""

    scope = Scope(region="region", domain="domain", department="department")


def test_remit_rule_builds_domain_and_department_conditions(world):
    q = str(scope_q(_FakeScoped, world.yanggu_xf))
    assert "domain__remits__department_id" in q and "department_id" in q
    assert "371521" in q
    # the lead department is not limited by remit
    assert "domain__remits" not in str(scope_q(_FakeScoped, world.yanggu_mz))


def test_scope_extension_adds_visibility(world, homes):
    from django.db.models import Q

    from supervision.core import scoping

    def referred(model, user):
        if model is Institution and user == world.dongchangfu_mz:
            return Q(pk=homes["yanggu"].pk)
        return None

    register_scope_extension(referred)
    try:
        assert set(Institution.objects.visible_to(world.dongchangfu_mz)) == set(homes.values())
    finally:
        scoping._extensions.remove(referred)
