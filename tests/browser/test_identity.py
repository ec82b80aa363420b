"""Identity in the browser: an account with an initial password signs in, is held on the change
page whatever it opens, changes the password through the form, and reaches the workbench; the
user menu leads to the password, two-factor and token pages."""

from __future__ import annotations

import pytest

from supervision.core.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NEW = "Lanshan-Qiao-2027#"


def test_an_initial_password_is_changed_before_anything_else(world, page, login_page, live_server):
    User.objects.filter(pk=world.yanggu_mz.pk).update(must_change_password=True)
    login_page("yanggu_mz", world.password)
    page.wait_for_url(f"{live_server.url}/accounts/password/**")
    assert "初始密码" in page.locator("main").inner_text()
    page.goto(f"{live_server.url}/institutions/")
    assert page.url.startswith(f"{live_server.url}/accounts/password/")

    page.fill("#id_old_password", world.password)
    page.fill("#id_new_password1", "qwertyuiopas")
    page.fill("#id_new_password2", "qwertyuiopas")
    page.click("main button[type=submit]")
    assert "四类中的 3 类" in page.locator("main").inner_text()

    page.fill("#id_old_password", world.password)
    page.fill("#id_new_password1", NEW)
    page.fill("#id_new_password2", NEW)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/institutions/")
    assert "密码已修改" in page.locator("main").inner_text()
    assert User.objects.get(pk=world.yanggu_mz.pk).check_password(NEW)

    page.click("#mainnav a.dropdown-toggle >> text=yanggu_mz")
    page.click("text=API 令牌")
    page.wait_for_url(f"{live_server.url}/accounts/tokens/")
    assert "您目前没有有效的 API 令牌" in page.locator("main").inner_text()
