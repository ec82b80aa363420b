"""领导驾驶舱 in a browser: the county leader logs in, lands on the dashboard, sees the charts
drawn (ECharts, no inline script), drills down from the county to a township, and follows a
figure to the list behind it, which shows the same count.

Hook for the monthly report (O2): ``drill_to_township`` returns the page on the township's
dashboard; a test that goes on to download the monthly report can start from there."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.dashboard.dataset import build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def county(world, monkeypatch, settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    monkeypatch.setattr(
        "supervision.documents.services.html_to_pdf", lambda html, base_url=None: b"%PDF-1.4\n%%EOF\n"
    )
    return build(world)


def drill_to_township(page, live_server, world, login_page, county):
    """Log in as 阳谷县's leader and drill from the county to 阿城镇; returns the page there."""
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if "Refused" in msg.text else None)  # CSP
    login_page("yanggu_leader", world.password)
    page.wait_for_url("**/dashboard/")
    expect(page.locator("#dashboard-region")).to_have_text("阳谷县")
    expect(page.locator(".dashboard-chart svg").first).to_be_visible()  # ECharts drew the charts
    expect(page.locator('[data-code="institutions.total"]')).to_have_text("4")
    page.click("#children a.drill:text('阿城镇')")
    page.wait_for_url(f"**region={county.town2.code}**")
    expect(page.locator("#dashboard-region")).to_have_text("阿城镇")
    expect(page.locator('[data-code="institutions.total"]')).to_have_text("2")
    expect(page.locator("#dashboard-breadcrumb")).to_contain_text("阳谷县")
    assert not errors, errors  # no CSP refusal, no script error
    return page


def test_a_county_leader_drills_down_to_a_township_and_opens_a_list(
    page, live_server, world, login_page, county
):
    page = drill_to_township(page, live_server, world, login_page, county)
    page.click('[data-code="inspections.onsite_uncovered_year"]')
    page.wait_for_url("**/inspections/objects/**")
    assert "共 1 条" in page.inner_text("main")  # 阿城无名养老点: not inspected this year
    assert "阿城无名养老点" in page.inner_text("main")
