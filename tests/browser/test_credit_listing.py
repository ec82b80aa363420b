"""A county civil-affairs officer takes a proposal through notice, review and — as the
leader — decision and publication; the entry then appears on the public list."""

from __future__ import annotations

import datetime as dt

import pytest

from credit import services
from tests.credit import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_proposal_through_to_publication(world, login_page, live_server):
    home = factories.institution(world.yanggu_town, "阳谷县示例敬老院")
    services.record_fact(
        home.credit_code,
        "major_hazard_overdue",
        title="消防通道堵塞逾期未整改",
        document="阳消限字〔2026〕8号",
        effective=dt.date(2026, 9, 1),
        entered_by=world.yanggu_xf,
    )
    today = services.today()
    notified = today - dt.timedelta(days=30)

    page = login_page("yanggu_mz", world.password)
    page.wait_for_url(f"{live_server.url}/workbench/")
    page.goto(f"{live_server.url}/credit/institution/{home.credit_code}/")
    assert "消防通道堵塞逾期未整改" in page.content()
    page.click("text=提出拟列入名单 / 行业禁入")
    page.select_option("#id_list_type", "joint_punishment")
    page.select_option("#id_ground", "major_fire_hazard")
    page.fill("#id_facts", "经检查，该机构消防通道堵塞，限期整改后逾期未整改。")
    page.check("input[name=evidence]")
    page.click("#proposal-form button[type=submit]")
    page.wait_for_selector("#proposal-state")
    assert "拟列入（草稿）" in page.inner_text("#proposal-state")

    page.fill("#on-notify", notified.isoformat())
    page.click("#step-notify button[type=submit]")
    page.wait_for_selector("text=已办理：告知当事人")
    due = page.inner_text("#objection-due")
    assert "个工作日" in due

    page.fill("#text-review", "事实清楚，证据确凿，期内未提出陈述申辩")
    page.select_option("#decision-review", "yes")
    page.click("#step-review button[type=submit]")
    page.wait_for_selector("text=已办理：审核")
    # the officer may not decide: the page offers only the steps the write policy allows
    assert page.locator("#step-decide").count() == 0
    assert page.locator("#step-withdraw").count() == 1

    page.click("text=退出")
    page = login_page("yanggu_leader", world.password)
    page.wait_for_url(f"{live_server.url}/dashboard/")  # a leader's first page
    page.click('nav a.nav-link >> text="工作台"')
    page.wait_for_url(f"{live_server.url}/workbench/")
    assert "待办名单程序" in page.content()
    page.click("#credit-panel-title >> xpath=.. >> a")
    page.once("dialog", lambda d: d.accept())
    page.fill("#text-decide", "同意列入")
    page.select_option("#decision-decide", "yes")
    page.click("#step-decide button[type=submit]")
    page.wait_for_selector("text=已办理：作出决定")
    assert "已决定列入" in page.inner_text("#proposal-state")
    page.once("dialog", lambda d: d.accept())
    page.click("#step-publish button[type=submit]")
    page.wait_for_selector("text=已办理：公示")

    page.goto(f"{live_server.url}/public/credit/")
    table = page.inner_text("#public-list")
    assert "阳谷县示例敬老院" in table and home.credit_code in table and "信惩决" in table
    assert "存在重大火灾隐患，逾期未整改" in table
