"""A county civil-affairs user logs in, sees the workbench in Chinese, and cannot open another
county's page; nothing the pages load comes from outside the portal."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_county_user_sees_chinese_workbench_and_not_the_sibling_county(world, page, login_page, live_server):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    # A government PC set to English still gets the Chinese portal.
    page.set_extra_http_headers({"Accept-Language": "en-US,en;q=0.9"})

    login_page("yanggu_mz", world.password)
    page.wait_for_url(f"{live_server.url}/workbench/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.title().startswith("工作台")
    assert page.locator("h1").first.inner_text() == "工作台"
    posts = page.locator("#posts-title").locator("xpath=..").inner_text()
    assert "民政" in posts and "山东省聊城市阳谷县" in posts and "监管人员" in posts

    own = page.goto(f"{live_server.url}/regions/{world.yanggu.code}/")
    assert own is not None and own.status == 200
    assert "阳谷县" in page.locator("h1").first.inner_text()

    other = page.goto(f"{live_server.url}/regions/{world.dongchangfu.code}/")
    assert other is not None and other.status == 404
    assert "东昌府区" not in page.content()
    # Nor through the search of the jurisdiction pages.
    page.goto(f"{live_server.url}/regions/?name=东昌府")
    assert "东昌府区" not in page.locator("main").inner_text()

    origin = urlsplit(live_server.url).netloc
    outside = [url for url in requested if urlsplit(url).netloc not in (origin, "")]
    assert outside == [], outside  # vendored assets only (static/vendor/)


def test_wrong_password_shows_a_chinese_error(world, login_page, live_server):
    page = login_page("yanggu_mz", "not-the-password")
    assert "/accounts/login/" in page.url
    error = page.locator(".alert-danger")
    assert error.count() == 1
    assert "请输入一个正确的用户名和密码" in error.inner_text()
