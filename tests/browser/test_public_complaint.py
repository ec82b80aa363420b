"""A citizen (no login, on a phone) finds an institution in the public directory, opens its
page, files a complaint about it from there, gets a tracking code, and looks the complaint up
by that code; a second complaint is filed by typing the institution's name."""

from __future__ import annotations

import pytest

from tests.complaints.conftest import clean_public_cache  # noqa: F401 (fixture)
from tests.institutions.factories import InstitutionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def track(page, base: str, code: str) -> str:
    page.goto(f"{base}/public/")
    page.click("text=查询办理进度")
    page.fill("#track-code", code.lower())
    page.click("#track-submit")
    page.wait_for_selector("#complaint-status")
    return page.inner_text("#complaint-status")


def test_citizen_finds_an_institution_files_and_tracks_a_complaint(page, live_server, world):
    home = InstitutionFactory(name="阳谷县博济桥街道福寿养老院", status="filed", region=world.yanggu_town)
    InstitutionFactory(name="阳谷县颐和护理院", status="filed", region=world.yanggu_town)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/public/")
    page.click("text=养老服务机构名录")
    page.fill("#id_q", "福寿")
    page.click("#directory-search")
    page.wait_for_selector("#directory-results")
    assert "颐和护理院" not in page.inner_text("#directory-results")
    page.click(f"text={home.name}")
    page.click("#complain-about")
    page.wait_for_selector("#complaint-form")
    assert home.name in page.inner_text("#complaint-form")
    page.select_option("#id_category", "fire")
    page.fill("#id_content", "太短")
    page.click("#complaint-submit")
    assert "投诉内容至少 10 个字" in page.inner_text("#complaint-form")
    page.fill("#id_content", "三楼安全出口被杂物堵死，灭火器已经过期。")
    page.fill("#id_phone", "13812345678")
    page.click("#complaint-submit")
    page.wait_for_selector("#tracking-code")
    code = page.inner_text("#tracking-code").strip()
    assert len(code) == 12

    status = track(page, live_server.url, code)
    assert code in status and "已分办" in status and "消防救援" in status and home.name in status
    assert "13812345678" not in page.content()


def test_citizen_files_by_typing_the_name(page, live_server, world):
    home = InstitutionFactory(name="阳谷县博济桥街道福寿养老院", status="filed", region=world.yanggu_town)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/public/")
    page.click("text=我要投诉举报")
    page.fill("#id_institution_name", home.name)
    page.fill("#id_content", "护理员态度恶劣，按铃长时间无人应答。")
    page.click("#complaint-submit")
    page.wait_for_selector("#tracking-code")
    status = track(page, live_server.url, page.inner_text("#tracking-code").strip())
    assert "已分办" in status and "民政" in status and home.name in status
