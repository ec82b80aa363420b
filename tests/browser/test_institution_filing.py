"""Browser flow: the county civil-affairs user files an institution and sees its
20-working-day on-site check deadline on the institution's page."""

from __future__ import annotations

import datetime as dt

import pytest

from supervision.workcal.services import add_workdays
from tests.institutions.factories import InstitutionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def home(world, settings):
    settings.AXES_ENABLED = False
    return InstitutionFactory(name="阳谷县福寿养老院", region=world.yanggu_town)


def test_file_an_institution_and_see_its_deadline(world, home, live_server, login_page, page):
    login_page("yanggu_mz", world.password)
    page.goto(f"{live_server.url}/institutions/")
    page.get_by_role("link", name="阳谷县福寿养老院").click()
    page.get_by_role("link", name="办理备案").click()
    page.fill("#id_submitted_on", "2026-09-28")
    page.fill("#id_certificate_number", "鲁阳民证字第 2026018 号")
    # The commitment text is pre-filled with the standard commitment; submit it as is.
    assert "建筑、消防、食品、医疗卫生" in page.input_value("#id_commitment_text")
    page.get_by_role("button", name="提交").click()
    page.wait_for_url(f"**/institutions/{home.pk}/**")
    assert "已备案" in page.inner_text("#status-badge")
    page.get_by_role("tab", name="期限").click()
    clocks = page.inner_text("#clocks")
    assert "备案后现场核查" in clocks
    assert "2026-10-30" in clocks
    assert add_workdays(dt.date(2026, 9, 28), 20) == dt.date(2026, 10, 30)
