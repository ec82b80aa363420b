"""Browser flow: fire rescue's workbench lists a received referral under 待接收; 去办理 opens the
referral, 接收 acknowledges it, and back on the workbench it has moved to 待反馈. Screenshots of
the workbench at desktop, tablet and phone size go to $SCREENSHOT_DIR when it is set."""

from __future__ import annotations

import os

import pytest

from tests.workbench.conftest import county, private_root  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"desktop": (1366, 900), "tablet": (820, 1180), "phone": (390, 844)}


def shoot(page, name: str) -> None:
    folder = os.environ.get("SCREENSHOT_DIR")
    if not folder:
        return
    for label, (w, h) in SIZES.items():
        page.set_viewport_size({"width": w, "height": h})
        page.screenshot(path=os.path.join(folder, f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


def test_take_a_todo_through_go_to_handle(world, county, settings, live_server, login_page, page):  # noqa: F811
    settings.AXES_ENABLED = False
    page.on("dialog", lambda d: d.accept())
    login_page("yanggu_xf", world.password)
    page.wait_for_selector("#todo-panel")
    receive = page.locator("#todo-receive")
    assert county.sent.title in receive.inner_text()
    assert page.inner_text('[data-group-count="receive"]') == "1"
    shoot(page, "workbench")
    receive.locator("li", has_text=county.sent.title).get_by_role("link", name="去办理").click()
    page.wait_for_url(f"**/referrals/{county.sent.pk}/")
    page.get_by_role("button", name="接收", exact=True).click()
    page.wait_for_selector("text=已接收")
    page.goto(f"{live_server.url}/workbench/")
    page.wait_for_selector("#todo-panel")
    assert page.locator("#todo-receive").count() == 0
    assert county.sent.title in page.inner_text("#todo-feedback")
    # 已办: the acknowledgement is there.
    page.get_by_role("link", name="已办事项").click()
    page.wait_for_selector("#done-list")
    assert county.sent.title in page.inner_text("#done-list")
