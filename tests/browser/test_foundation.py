"""A county civil-affairs user logs in, sees the workbench in Chinese, and cannot open another
county's page."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_county_user_sees_chinese_workbench_and_not_the_sibling_county(world, login_page, live_server):
    page = login_page("yanggu_mz", world.password)
    page.wait_for_url(f"{live_server.url}/workbench/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    heading = page.locator("h1").first.inner_text()
    assert heading == "工作台"
    posts = page.locator("#posts-title").locator("xpath=..").inner_text()
    assert "民政" in posts and "阳谷县" in posts

    own = page.goto(f"{live_server.url}/regions/{world.yanggu.code}/")
    assert own is not None and own.status == 200
    assert "阳谷县" in page.content()

    other = page.goto(f"{live_server.url}/regions/{world.dongchangfu.code}/")
    assert other is not None and other.status == 404
    assert "东昌府区" not in page.content()


def test_wrong_password_shows_a_chinese_error(world, login_page, live_server):
    page = login_page("yanggu_mz", "not-the-password")
    assert "/accounts/login/" in page.url
    assert page.locator(".alert-danger").count() == 1
