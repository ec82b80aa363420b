"""Browser: a civil-affairs inspector imports claim lines from Excel (an error shown by row and
column, the good rows confirmed), submits the claim, finds the flag the duplicate resident
raised, and closes it with an outcome."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import Workbook

from funds import services
from funds.models import FlagStatus, FundFlag, SubsidyClaim
from tests.funds.conftest import money, private_root  # noqa: F401  (fixtures)
from tests.funds.helpers import claim, id_number, resident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
OCT = dt.date(2026, 10, 1)


@pytest.fixture
def draft(world, money, settings):  # noqa: F811
    settings.AXES_ENABLED = False
    # 王秀英 is already claimed at the other home for October.
    claim(world, money.resident_programme, money.second_home, [resident(1, OCT, name="王秀英")])
    return services.claim_create(
        world.yanggu_mz,
        programme=money.resident_programme,
        institution=money.home,
        period_start=OCT,
        period_end=OCT,
    )


def _xlsx(path):
    wb = Workbook()
    ws = wb.active
    ws.append(["类别", "月份", "护理等级", "老人姓名", "身份证号"])
    ws.append(["入住老人", "2026-10", "中度失能", "王秀英", id_number(1)])
    ws.append(["入住老人", "2026-10", "完全失能", "李桂兰", id_number(2)])
    ws.append(["入住老人", "2026-10", "中度失能", "张玉珍", "371521194001019999"])
    wb.save(path)
    return path


def test_import_to_flag_to_review(world, money, draft, live_server, login_page, page, tmp_path):  # noqa: F811
    page.on("dialog", lambda d: d.accept())
    login_page("yanggu_mz", world.password)
    page.goto(f"{live_server.url}/funds/claims/{draft.pk}/")
    page.set_input_files("#import-form input[type=file]", str(_xlsx(tmp_path / "申报明细.xlsx")))
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("#error-table")
    assert "共 3 行数据：2 行无误可导入，1 行有错误" in page.inner_text("#batch-counts")
    row = page.inner_text("#error-table tbody tr")
    assert "4" in row and "身份证号" in row
    page.click("#apply-batch")
    page.wait_for_selector("#line-table")
    assert page.locator("#line-table tbody tr").count() == 2
    assert "800.00" in page.inner_text("#claim-amount")
    page.click("#submit-claim")
    page.wait_for_selector("#claim-flags")
    assert SubsidyClaim.objects.get(pk=draft.pk).status == "submitted"
    page.click("#claim-flags a")
    page.wait_for_selector("#flag-review-form")
    assert "阳谷县康宁养老院" in page.inner_text("#flag-reason")
    page.select_option("#id_outcome", "confirmed")
    page.fill("#id_note", "经核实，王秀英 10 月实际入住康宁养老院，本院申报不实")
    page.click("#flag-review-form button[type=submit]")
    page.wait_for_selector("#flag-outcome")
    assert "属实" in page.inner_text("#flag-outcome")
    flag = FundFlag.objects.get(claim=draft, rule="subsidy.duplicate_resident")
    assert flag.status == FlagStatus.CLOSED and flag.reviewed_by == world.yanggu_mz
