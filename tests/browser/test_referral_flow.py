"""Browser flow: 阳谷县民政 refers a fire problem of an institution to the fire brigade and sends
the letter; the brigade's liaison acknowledges and responds; the sender sees the result."""

from __future__ import annotations

import pytest

from supervision.core.models import Role
from supervision.referrals.models import Referral
from tests.factories import AssignmentFactory, UserFactory
from tests.institutions.factories import InstitutionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setup(world, settings):
    settings.AXES_ENABLED = False
    liaison = UserFactory(username="yanggu_xf_liaison", display_name="消防联络员")
    AssignmentFactory(user=liaison, department=world.xf, region=world.yanggu, role=Role.LIAISON)
    return InstitutionFactory(name="阳谷县福寿养老院", region=world.yanggu_town)


def logout(page, live_server):
    page.context.clear_cookies()


def test_refer_send_acknowledge_respond(world, setup, live_server, login_page, page):
    home = setup
    page.on("dialog", lambda d: d.accept())
    login_page("yanggu_mz", world.password)
    page.goto(f"{live_server.url}/referrals/new/?subject=institutions.institution:{home.pk}")
    assert page.input_value("#id_institution_name") == "阳谷县福寿养老院"
    page.select_option("#id_domain", label="消防安全")
    page.fill("#id_title", "消防通道堵塞")
    page.fill("#id_description", "二楼东侧安全出口被杂物堵塞。")
    page.get_by_role("button", name="登记抄告").click()
    page.wait_for_selector("#step-send")
    assert "阳谷县消防救援" in page.inner_text("#receiver")
    page.get_by_role("button", name="发出抄告函").click()
    page.wait_for_selector("#letter-download")
    number = Referral.objects.get().number
    assert number == "阳民抄告〔2026〕1号"

    logout(page, live_server)
    login_page("yanggu_xf_liaison", world.password)
    page.wait_for_selector("#referral-panel")
    page.get_by_role("link", name=f"{number} 消防通道堵塞").click()
    page.get_by_role("button", name="接收", exact=True).click()
    page.wait_for_selector("text=已接收")
    assert "已接收" in page.inner_text("#referral-state")
    # The liaison carries the letter; the handling result is the fire inspector's (an acting post).
    assert page.locator("#step-respond").count() == 0
    url = page.url

    logout(page, live_server)
    login_page("yanggu_xf", world.password)
    page.goto(url)
    page.wait_for_selector("#step-respond")
    page.fill("#id_action_taken", "现场检查，责令当场清理")
    page.fill("#id_result", "通道已清理，复查合格")
    page.get_by_role("button", name="反馈办理结果").click()
    page.wait_for_selector("#result")

    logout(page, live_server)
    login_page("yanggu_mz", world.password)
    page.goto(f"{live_server.url}/referrals/outbox/")
    page.get_by_role("link", name=number).click()
    assert "通道已清理，复查合格" in page.inner_text("#result")
    page.get_by_role("button", name="结果互认").click()
    page.wait_for_selector("text=结果已互认（办结）")
    assert Referral.objects.get().state == "recognised"
