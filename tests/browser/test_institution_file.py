"""Browser: the institution file's tabs (一户一档). Each tab clicked opens its part and shows as
many rows as its count says; the listed, grade-D institution carries its badges.
Screenshots at three sizes go to $SCREENSHOT_DIR when it is set."""

from __future__ import annotations

import pytest

from tests.browser.test_workbench_todos import shoot
from tests.dossier.conftest import dossier, private_root  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_click_each_tab_and_count_its_rows(world, dossier, settings, live_server, login_page, page):  # noqa: F811
    settings.AXES_ENABLED = False
    login_page("yanggu_mz", world.password)
    page.goto(f"{live_server.url}/institutions/{dossier.home.pk}/")
    assert page.locator('[data-badge="listed"]').first.is_visible()
    assert page.locator('[data-badge="grade_d"]').first.is_visible()
    shoot(page, "institution-file")
    tabs = page.locator("#file-tabs a[data-tab]")
    keys = [tabs.nth(i).get_attribute("data-tab") for i in range(tabs.count())]
    assert {"basic", "findings", "complaints", "credit", "penalties", "history"} <= set(keys)
    for key in keys:
        link = page.locator(f'#file-tabs a[data-tab="{key}"]')
        count = int(link.locator("[data-count]").inner_text())
        link.click()
        page.wait_for_selector(f'.tab-pane.active.show[data-pane="{key}"]')
        rows = page.locator(f'[data-pane="{key}"] tbody tr').count()
        assert rows == count, (key, rows, count)
        if key == "findings":
            shoot(page, "institution-file-findings")
    # The address bar keeps the tab: a reload shows the same part.
    assert f"tab={keys[-1]}" in page.url
    page.reload()
    assert page.locator("#file-tabs a.active").get_attribute("data-tab") == keys[-1]
