"""Browser flow: 阳谷县民政 registers an escrow account, records a resident's deposit and the
bank's balance, runs the check, finds the shortfall, records the institution's explanation and
closes the flag."""

from __future__ import annotations

import pytest

from funds.models import FundFlag
from supervision.deadlines.models import Deadline
from tests.institutions.factories import InstitutionFactory, id_number

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_escrow_shortfall_from_registration_to_review(world, settings, live_server, login_page, page):
    settings.AXES_ENABLED = False
    home = InstitutionFactory(name="阳谷县福寿养老院", status="filed", region=world.yanggu_town)
    page.on("dialog", lambda d: d.accept())
    login_page("yanggu_mz", world.password)

    page.goto(f"{live_server.url}/funds/deposits/accounts/new/")
    page.select_option("#id_institution", label="阳谷县福寿养老院")
    page.fill("#id_bank_name", "中国农业银行阳谷支行")
    page.fill("#id_account_number", "6228480012345678901")
    page.fill("#id_opened_on", "2026-01-05")
    page.get_by_role("button", name="登记").click()
    page.wait_for_selector("#held")
    assert "****8901" in page.content() and "6228480012345678901" not in page.content()

    page.get_by_role("link", name="登记押金、预收费").click()
    page.select_option("#id_kind", label="押金")
    page.fill("#id_resident_name", "王桂兰")
    page.fill("#id_id_number", id_number(3))
    page.fill("#id_amount", "20000")
    page.fill("#id_received_on", "2026-06-01")
    page.fill("#id_monthly_fee", "2600")
    page.get_by_role("button", name="登记", exact=True).click()
    page.wait_for_selector("text=已登记。")

    page.goto(f"{live_server.url}/funds/deposits/")
    page.get_by_role("link", name="阳谷县福寿养老院").click()
    page.fill("#id_as_of", "2026-11-30")
    page.fill("#id_balance", "8000")
    page.select_option("#id_source", label="监管银行报送")
    page.get_by_role("button", name="登记余额").click()
    page.wait_for_selector("text=已登记专户余额。")

    page.get_by_role("button", name="核查本机构").click()
    page.wait_for_selector("#flags")
    flags = page.inner_text("#flags")
    assert "押金与预收费未足额存入监管专户" in flags and "缺口 12,000.00 元" in flags
    assert "机构说明期限 2026-12-15" in flags
    flag = FundFlag.objects.get(institution=home)

    page.fill("#id_text", "机构称已于 12 月 2 日补存 12,000 元，附银行回单。")
    page.get_by_role("button", name="登记机构说明").click()
    page.wait_for_selector("text=已登记机构说明")
    assert Deadline.objects.get(object_id=flag.pk, rule__code="deposits.flag_response").state == "met"

    page.locator("summary", has_text="复核并办结").click()
    page.select_option("#id_outcome", label="已整改纠正")
    page.fill("#id_note", "核对银行回单，专户余额已足额。")
    page.get_by_role("button", name="办结疑点").click()
    page.wait_for_selector("text=疑点已办结。")
    flag.refresh_from_db()
    assert flag.status == "closed" and flag.outcome == "corrected"
