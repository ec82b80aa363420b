"""Browser: the system administrator opens an account (password shown once), the security
administrator gives it a post from the account page."""

from __future__ import annotations

import os

import pytest

from supervision.core.models import Assignment, Role, User
from tests.factories import AssignmentFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("SCREENSHOT_DIR")
SIZES = {"desktop": (1366, 900), "tablet": (820, 1180), "phone": (390, 844)}


def shoot(page, name: str) -> None:
    if not SHOTS:
        return
    for size, (w, h) in SIZES.items():
        page.set_viewport_size({"width": w, "height": h})
        page.screenshot(path=f"{SHOTS}/{name}-{size}.png", full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


def test_accounts_are_opened_by_one_administrator_and_given_posts_by_another(
    world, settings, live_server, login_page, page
):
    settings.AXES_ENABLED = False
    for username, role in (("sys_admin", Role.SYSADMIN), ("sec_admin", Role.SECADMIN)):
        user = UserFactory(username=username, display_name=username)
        AssignmentFactory(user=user, department=world.mz, region=world.shandong, role=role)

    login_page("sys_admin", world.password)
    page.goto(f"{live_server.url}/accounts/admin/users/")
    shoot(page, "admin-users")
    page.get_by_role("link", name="新建账户").click()
    page.fill("#id_username", "yanggu_zhao")
    page.fill("#id_display_name", "赵六")
    shoot(page, "admin-user-new")
    page.get_by_role("button", name="建立账户").click()
    page.wait_for_selector("text=账户已建立")
    password = page.inner_text("#one-time-password").strip()
    shoot(page, "admin-password-once")
    assert User.objects.get(username="yanggu_zhao").check_password(password)

    page.context.clear_cookies()
    login_page("sec_admin", world.password)
    page.goto(f"{live_server.url}/accounts/admin/users/?q=yanggu_zhao")
    page.get_by_role("link", name="管理", exact=True).click()
    page.select_option("#id_department", label=str(world.mz.name))
    page.select_option("#id_region", label=str(world.yanggu.name))
    page.select_option("#id_role", label="监管人员/执法人员")
    page.get_by_role("button", name="分配岗位").click()
    page.wait_for_selector("text=岗位已分配")
    shoot(page, "admin-user-detail")
    post = Assignment.objects.get(user__username="yanggu_zhao", active=True)
    assert (post.region, post.role) == (world.yanggu, Role.INSPECTOR)
    page.goto(f"{live_server.url}/accounts/admin/lockouts/")
    shoot(page, "admin-lockouts")
