"""The 辖区 pages: a user sees their jurisdictions and nothing else (404 outside)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from supervision.core.models import Role
from tests.factories import AssignmentFactory, RegionFactory

pytestmark = pytest.mark.django_db


def detail(code: str) -> str:
    return reverse("region", args=[code])


def test_county_user_sees_own_county_with_streets_and_colleagues(world, client_for):
    response = client_for(world.yanggu_mz).get(detail(world.yanggu.code))
    body = response.content.decode()
    assert response.status_code == 200
    assert "山东省聊城市阳谷县" in body
    assert world.yanggu_town.name in body and detail(world.yanggu_town.code) in body
    # The departments with staff posted here, the lead department first.
    assert "阳谷县民政" in body and "阳谷县消防救援" in body
    assert body.index("阳谷县民政") < body.index("阳谷县消防救援")
    assert "yanggu_leader（领导）" in body
    # Ancestors above the jurisdiction are named but not linked.
    assert detail(world.liaocheng.code) not in body


def test_county_user_gets_404_for_the_sibling_county_and_its_streets(world, client_for):
    client = client_for(world.yanggu_mz)
    assert client.get(detail(world.dongchangfu.code)).status_code == 404
    assert client.get(detail(world.dongchangfu_town.code)).status_code == 404
    assert client.get(detail(world.liaocheng.code)).status_code == 404  # above the jurisdiction
    assert client.get(detail("999999999999")).status_code == 404  # missing looks the same


def test_partner_department_sees_its_county(world, client_for):
    client = client_for(world.yanggu_xf)
    assert client.get(detail(world.yanggu_town.code)).status_code == 200
    assert client.get(detail(world.dongchangfu.code)).status_code == 404


def test_outsider_sees_no_region(world, client_for):
    client = client_for(world.outsider)
    assert client.get(detail(world.yanggu.code)).status_code == 404
    body = client.get(reverse("regions")).content.decode()
    assert "您还没有辖区" in body


def test_sysadmin_sees_every_region(world, client_for):
    client = client_for(world.sysadmin)
    for region in (world.shandong, world.yanggu, world.dongchangfu_town):
        assert client.get(detail(region.code)).status_code == 200
    body = client.get(reverse("regions")).content.decode()
    assert "山东省" in body and detail(world.liaocheng.code) in body


def test_pages_require_login(world, client):
    for url in (reverse("regions"), detail(world.yanggu.code)):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_short_codes_redirect_to_the_twelve_digit_page(world, client_for):
    response = client_for(world.yanggu_mz).get(detail("371521"))
    assert response.status_code == 302 and response["Location"] == detail("371521000000")


def test_region_list_shows_jurisdictions_and_their_children(world, client_for):
    body = client_for(world.dongchangfu_mz).get(reverse("regions")).content.decode()
    assert "山东省聊城市东昌府区" in body and world.dongchangfu_town.name in body
    assert "阳谷县" not in body


def test_search_stays_inside_the_jurisdiction(world, client_for):
    client = client_for(world.yanggu_mz)
    body = client.get(reverse("regions"), {"name": "街道"}).content.decode()
    assert "博济桥街道" in body and "古楼街道" not in body
    body = client.get(reverse("regions"), {"name": "古楼"}).content.decode()
    assert "您的辖区内没有符合条件的区划" in body


def test_street_user_sees_only_the_street(world, client_for):
    street_user = AssignmentFactory(department=world.mz, region=world.yanggu_town, role=Role.INSPECTOR).user
    client = client_for(street_user)
    assert client.get(detail(world.yanggu_town.code)).status_code == 200
    assert client.get(detail(world.yanggu.code)).status_code == 404


def test_query_count_does_not_grow_with_children(world, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    RegionFactory(code="371521199000", name="测试镇", level=4, parent=world.yanggu)
    client = client_for(world.yanggu_mz)
    client.get(detail(world.yanggu.code))  # warm the session (it is saved on every request)

    def count(url, params=None):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, params or {}).status_code == 200
        return len(ctx.captured_queries)

    few = (count(detail(world.yanggu.code)), count(reverse("regions"), {"name": "测试"}))
    for n in range(30):
        RegionFactory(code=f"371521{200 + n:03d}000", name=f"测试镇{n}", level=4, parent=world.yanggu)
    many = (count(detail(world.yanggu.code)), count(reverse("regions"), {"name": "测试"}))
    assert many == few
