"""A citizen (no login, on a phone) opens /public/, files a complaint about an institution by
typing its name, gets a tracking code, and looks the complaint up by that code."""

from __future__ import annotations

import pytest

from tests.complaints.conftest import clean_public_cache  # noqa: F401 (fixture)
from tests.institutions.factories import InstitutionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_citizen_files_and_tracks_a_complaint(page, live_server, world):
    home = InstitutionFactory(name="阳谷县博济桥街道福寿养老院", status="filed", region=world.yanggu_town)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/public/")
    page.click("text=我要投诉举报")
    page.wait_for_selector("#complaint-form")
    page.fill("#id_institution_name", home.name)
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

    page.goto(f"{live_server.url}/public/")
    page.click("text=查询办理进度")
    page.fill("#track-code", code.lower())
    page.click("#track-submit")
    page.wait_for_selector("#complaint-status")
    status = page.inner_text("#complaint-status")
    assert code in status and "已分办" in status and "消防救援" in status and home.name in status
    assert "13812345678" not in page.content()
