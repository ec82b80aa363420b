"""The region picker (省 → 市 → 县 → 乡镇): staff pick inside their jurisdiction, the JSON
endpoint gives a region's children in the same scope, the select without JavaScript stays under
500 options, and the lists filter on the region picked (with everything under it)."""

from __future__ import annotations

import pytest

from supervision.core.regionpicker import MAX_OPTIONS, RegionPicker, degraded_options, staff_roots
from tests.factories import RegionFactory
from tests.institutions.factories import InstitutionFactory

pytestmark = pytest.mark.django_db


def names(rows):
    return [r["name"] for r in rows]


def test_the_endpoint_gives_children_inside_the_jurisdiction_and_the_path_to_it(client, world):
    RegionFactory(code="120000000000", name="天津市", level=1)
    client.force_login(world.yanggu_mz)
    top = client.get("/regions/picker/children/").json()["children"]
    assert (
        names(top) == ["山东省"]
        and top[0]["inside"] is False
        and top[0]["level_label"] == "省（自治区、直辖市）"
    )
    city = client.get(f"/regions/picker/children/?parent={world.shandong.code}").json()["children"]
    assert names(city) == ["聊城市"]  # 东昌府区 is a sibling county: not on the way
    county = client.get(f"/regions/picker/children/?parent={world.liaocheng.code}").json()["children"]
    assert names(county) == ["阳谷县"] and county[0]["inside"] is True and county[0]["has_children"] is True
    towns = client.get(f"/regions/picker/children/?parent={world.yanggu.code}").json()["children"]
    assert names(towns) == ["博济桥街道"]
    assert client.get(f"/regions/picker/children/?parent={world.dongchangfu.code}").status_code == 404
    assert client.get("/regions/picker/children/?parent=120000000000").status_code == 404


def test_the_endpoint_needs_a_login(client, world):
    assert client.get("/regions/picker/children/").status_code == 401


def test_a_superuser_starts_from_the_provinces(client, world):
    client.force_login(world.sysadmin)
    assert names(client.get("/regions/picker/children/").json()["children"]) == ["山东省"]


def test_without_javascript_one_select_of_the_jurisdiction_under_500_options(world):
    # a province-wide post over many townships: the flat select stops at the level that fits
    for i in range(1, 30):
        county = RegionFactory(code=f"3716{i:02d}000000", name=f"县{i}", level=3, parent=world.shandong)
        for j in range(1, 25):
            RegionFactory(code=f"3716{i:02d}{j:03d}000", name=f"镇{i}-{j}", level=4, parent=county)
    from supervision.core.models import Assignment

    Assignment.objects.filter(user=world.yanggu_leader).update(region=world.shandong)
    world.yanggu_leader._assignment_cache = None
    options = degraded_options(staff_roots(world.yanggu_leader))
    assert len(options) < MAX_OPTIONS
    assert {r.level for r in options} == {1, 2, 3}  # the townships (29 × 24) would pass 500
    html = RegionPicker().bind(world.yanggu_mz).render("region", world.yanggu_town.code)
    assert html.count("<option") == 3  # 全部, 阳谷县, 博济桥街道: nothing of 东昌府区
    assert f'value="{world.yanggu_town.code}" selected' in html
    assert "data-region-picker" in html and "/regions/picker/children/" in html


def test_the_institution_list_filters_on_the_picked_region_and_below(client, world):
    anle = RegionFactory(code="371521101000", name="安乐镇", level=4, parent=world.yanggu)
    InstitutionFactory(name="博济桥敬老院", region=world.yanggu_town, status="filed")
    InstitutionFactory(name="安乐镇敬老院", region=anle, status="filed")
    client.force_login(world.yanggu_mz)
    page = client.get("/institutions/", {"region": world.yanggu.code}).content.decode()
    assert "博济桥敬老院" in page and "安乐镇敬老院" in page
    page = client.get("/institutions/", {"region": anle.code}).content.decode()
    assert "博济桥敬老院" not in page and "安乐镇敬老院" in page
    assert "data-region-picker" in page and 'name="region"' in page
    assert "区划代码（含下级）" not in page  # no more typing a 12-digit code


def test_the_complaint_reassignment_picks_inside_the_jurisdiction(world):
    from inspections.complaints.forms import ReassignForm

    html = str(ReassignForm(user=world.yanggu_mz)["to_region"])
    assert world.yanggu.name in html and world.dongchangfu.name not in html
    assert html.count("<option") < 10


def test_the_children_endpoint_runs_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    for i in range(2, 40):
        RegionFactory(code=f"371521{i:03d}000", name=f"镇{i}", level=4, parent=world.yanggu)
    client.force_login(world.yanggu_mz)
    url = f"/regions/picker/children/?parent={world.yanggu.code}"
    client.get(url)
    with django_assert_max_num_queries(10):  # session, user, posts, the parent, the children …
        rows = client.get(url).json()["children"]
    assert len(rows) == 39
