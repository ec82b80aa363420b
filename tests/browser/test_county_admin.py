"""Browser: the county administrator (管理员) adds an inspector with an enforcement certificate
from the county administration pages, without the Django admin."""

from __future__ import annotations

import os

import pytest

from inspections.models import Inspector
from supervision.core.models import Role
from tests.factories import AssignmentFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("SCREENSHOT_DIR")
SIZES = {"desktop": (1366, 900), "tablet": (820, 1180), "phone": (390, 844)}


@pytest.fixture
def county_admin(world, settings):
    settings.AXES_ENABLED = False
    user = UserFactory(username="yanggu_admin", display_name="阳谷县民政局管理员")
    AssignmentFactory(user=user, department=world.mz, region=world.yanggu, role=Role.ADMIN)
    return user


def shoot(page, name: str) -> None:
    if not SHOTS:
        return
    for size, (w, h) in SIZES.items():
        page.set_viewport_size({"width": w, "height": h})
        page.screenshot(path=f"{SHOTS}/{name}-{size}.png", full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


def test_county_administrator_adds_an_inspector(world, county_admin, live_server, login_page, page):
    login_page("yanggu_admin", world.password)
    page.goto(f"{live_server.url}/county-admin/")
    shoot(page, "county-admin-home")
    page.get_by_role("link", name="管理执法检查人员").click()
    page.click("#inspector-new")
    page.fill("#id_name", "赵执法")
    page.select_option("#id_department", label="民政")
    page.select_option("#id_region", label="阳谷县")
    page.fill("#id_certificate_number", "15371521009")
    page.fill("#id_certificate_expires", "2028-06-30")
    shoot(page, "inspector-form")
    page.click("#inspector-save")
    page.wait_for_selector("text=已保存执法检查人员")
    inspector = Inspector.objects.get(certificate_number="15371521009")
    assert inspector.name == "赵执法" and str(inspector.certificate_expires) == "2028-06-30"
    row = page.locator("tr", has_text="赵执法")
    assert "2028-06-30" in row.inner_text() and "15371521009" in row.inner_text()
    page.goto(f"{live_server.url}/county-admin/users/")
    shoot(page, "county-admin-users")
    page.goto(f"{live_server.url}/county-admin/titles/")
    shoot(page, "county-admin-titles")
