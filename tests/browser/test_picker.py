"""The cascading region picker in a browser: a county inspector narrows the institution list
省 → 市 → 县 → 乡镇 inside the county (the levels above it are taken for them), and a citizen
picks the place of a complaint among the deployment's regions only."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from inspections.complaints.models import Complaint
from tests.complaints.conftest import clean_public_cache  # noqa: F401 (fixture)
from tests.factories import RegionFactory
from tests.institutions.factories import InstitutionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def level_selects(page):
    return page.locator(".region-picker-levels select")


def test_a_county_inspector_narrows_the_list_to_a_township(page, live_server, world, login_page):
    anle = RegionFactory(code="371521101000", name="安乐镇", level=4, parent=world.yanggu)
    InstitutionFactory(name="博济桥敬老院", region=world.yanggu_town, status="filed")
    InstitutionFactory(name="安乐镇敬老院", region=anle, status="filed")
    login_page("yanggu_mz", world.password)
    page.goto(f"{live_server.url}/institutions/")
    # 山东省 → 聊城市 → 阳谷县 are the only way down to the post's county: chosen already
    expect(level_selects(page)).to_have_count(4)
    selects = level_selects(page)
    chosen = [selects.nth(i).evaluate("s => s.options[s.selectedIndex].text") for i in range(3)]
    assert chosen == ["山东省", "聊城市", "阳谷县"]
    towns = selects.nth(3).evaluate("s => Array.from(s.options).map(o => o.text)")
    assert towns == ["乡镇（街道）：全部", "博济桥街道", "安乐镇"]  # nothing of 东昌府区
    assert page.locator("select[data-region-flat]").is_hidden()  # the flat select carries the value
    selects.nth(3).select_option(label="安乐镇")
    page.click(".filter-form button[type=submit]")
    page.wait_for_url("**region=371521101000**")
    body = page.inner_text("main")
    assert "安乐镇敬老院" in body and "博济桥敬老院" not in body and "共 1 条" in body
    # the cascade shows the choice again after the page reloads
    expect(level_selects(page)).to_have_count(4)
    assert level_selects(page).nth(3).evaluate("s => s.options[s.selectedIndex].text") == "安乐镇"


def test_a_citizen_picks_the_place_among_the_deployment_regions(page, live_server, world):
    RegionFactory(code="120000000000", name="天津市", level=1)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/public/complaints/")
    level_selects(page).nth(2 - 1).wait_for()
    provinces = level_selects(page).nth(0).evaluate("s => Array.from(s.options).map(o => o.text)")
    assert "天津市" not in provinces and "山东省" in provinces
    expect(level_selects(page)).to_have_count(3)
    counties = level_selects(page).nth(2).evaluate("s => Array.from(s.options).map(o => o.text)")
    assert counties[1:] == ["东昌府区", "阳谷县"]
    level_selects(page).nth(2).select_option(label="阳谷县")
    expect(level_selects(page)).to_have_count(4)
    level_selects(page).nth(3).select_option(label="博济桥街道")
    page.fill("#id_institution_name", "某小区托老点")
    page.fill("#id_content", "小区里有人收住七八个老人，无人看护。")
    page.check("#id_anonymous")
    assert page.locator("#id_name").is_disabled()
    page.click("#complaint-submit")
    page.wait_for_selector("#tracking-code")
    c = Complaint.objects.get()
    assert c.region == world.yanggu_town and c.anonymous and not c.complainant_name
    page.click("#print-receipt")
    page.wait_for_selector("#complaint-receipt")
    assert c.tracking_code in page.inner_text("#complaint-receipt")
