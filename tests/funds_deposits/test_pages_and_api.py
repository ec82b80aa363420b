"""Pages, API, scoping, the public 4.18 display and the ledger import."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from funds.deposits import services
from funds.deposits.models import EscrowAccount, FeeEntry
from tests.institutions.factories import InstitutionFactory, id_number

from .conftest import DEC_1

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clean_public_cache(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "public": "10000/min",
        },
    }
    cache.clear()
    yield
    cache.clear()


# --- scoping ---------------------------------------------------------------------------------


def test_escrow_accounts_are_seen_in_the_jurisdiction_and_remit_only(world, account):
    seen = lambda user: EscrowAccount.objects.visible_to(user).filter(pk=account.pk).exists()  # noqa: E731
    assert seen(world.yanggu_mz)
    assert not seen(world.dongchangfu_mz)  # the sibling county
    assert not seen(world.yanggu_xf)  # fire rescue has no remit for fees


def test_an_account_outside_the_scope_answers_404(client_for, world, account):
    assert client_for(world.dongchangfu_mz).get(f"/funds/deposits/accounts/{account.pk}/").status_code == 404
    assert client_for(world.yanggu_xf).get(f"/api/v1/escrow-accounts/{account.pk}/").status_code in (401, 404)


def test_a_partner_department_may_not_register_an_account(api_for, world, home):
    response = api_for(world.yanggu_xf).post(
        "/api/v1/escrow-accounts/",
        {
            "institution": home.pk,
            "bank_name": "某银行",
            "account_number": "62284800123456",
            "opened_on": "2026-01-05",
        },
        format="json",
    )
    assert response.status_code == 403
    assert "民政" in response.json()["detail"]


# --- pages and API ---------------------------------------------------------------------------


def test_the_account_page_shows_the_number_masked_and_the_shortfall(client_for, world, home, account, fee):
    fee(amount=Decimal("20000"))
    services.balance_report(
        account, actor=world.yanggu_mz, as_of=dt.date(2026, 11, 30), balance=Decimal("5000")
    )
    services.checks_run(actor=world.yanggu_mz, institution=home, on=DEC_1)
    body = client_for(world.yanggu_mz).get(f"/funds/deposits/accounts/{account.pk}/").content.decode()
    assert "****8901" in body and "6228480012345678901" not in body
    assert "押金与预收费未足额存入监管专户" in body and "缺口 15,000.00 元" in body
    assert "2026-12-15" in body  # the response clock's due date


def test_the_api_shows_masked_numbers_and_runs_the_checks(api_for, world, home, account, fee):
    fee(amount=Decimal("20000"))
    api = api_for(world.yanggu_mz)
    listed = api.get("/api/v1/escrow-accounts/").json()
    row = listed["results"][0] if "results" in listed else listed[0]
    assert row["account_number"] == "****8901"
    assert "6228480012345678901" not in str(listed)
    response = api.post(
        f"/api/v1/escrow-accounts/{account.pk}/balances/",
        {"as_of": "2026-11-30", "balance": "100.00"},
        format="json",
    )
    assert response.status_code == 200 and response.json()["latest_balance"]["balance"] == "100.00"
    checked = api.post(f"/api/v1/escrow-accounts/{account.pk}/check/", {}, format="json").json()
    assert checked["raised"] == {"escrow.shortfall": 1}


def test_the_ledger_api_never_shows_a_full_id_number(api_for, world, fee):
    fee()
    body = api_for(world.yanggu_mz).get("/api/v1/escrow-ledger/").content.decode()
    assert id_number(1) not in body and "3725**********" in body


def test_list_pages_and_endpoints_do_not_grow_with_rows(
    client_for, api_for, world, home, django_assert_max_num_queries
):
    for n in range(8):
        inst = InstitutionFactory(status="filed", region=world.yanggu_town)
        a = services.account_open(
            institution=inst,
            actor=world.yanggu_mz,
            bank_name="农行",
            account_name="",
            account_number=f"62284800000000{n:02d}",
            opened_on=dt.date(2026, 1, 5),
        )
        services.balance_report(a, actor=world.yanggu_mz, as_of=dt.date(2026, 11, 30), balance=Decimal("1"))
        services.fee_record(
            institution=inst,
            actor=world.yanggu_mz,
            kind="deposit",
            resident_name="李四",
            id_number=id_number(n + 50),
            amount=Decimal("100"),
            received_on=dt.date(2026, 6, 1),
            monthly_fee=Decimal("2000"),
        )
    services.checks_run(actor=world.yanggu_mz, region=world.yanggu, on=DEC_1)
    c, api = client_for(world.yanggu_mz), api_for(world.yanggu_mz)
    for url in ("/funds/deposits/", "/funds/deposits/ledger/", "/funds/deposits/flags/"):
        c.get(url)
        with django_assert_max_num_queries(14):
            assert c.get(url).status_code == 200, url
    for url in ("/api/v1/escrow-accounts/", "/api/v1/escrow-ledger/"):
        api.get(url)
        with django_assert_max_num_queries(10):
            assert api.get(url).status_code == 200, url


def test_the_list_exports_to_excel_without_full_numbers(client_for, world, account):
    response = client_for(world.yanggu_mz).get("/funds/deposits/?export=xlsx")
    assert response.status_code == 200
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(response.content)).active
    values = [str(c.value) for row in ws.iter_rows() for c in row]
    assert "****8901" in values and "6228480012345678901" not in values


# --- the public directory (indicator 4.18) ---------------------------------------------------


def test_the_public_page_shows_whether_deposits_are_in_escrow_and_nothing_more(client, world, home, account):
    other = InstitutionFactory(status="filed", region=world.yanggu_town, name="阳谷县无专户养老院")
    body = client.get(f"/public/institutions/{home.credit_code}/").content.decode()
    assert "押金、保证金专户监管" in body and "已纳入专户监管" in body and "中国农业银行阳谷支行" in body
    assert "8901" not in body and "6228480012345678901" not in body
    body = client.get(f"/public/institutions/{other.credit_code}/").content.decode()
    assert "未登记监管专户" in body


def test_closing_the_account_updates_the_public_page(
    client, world, home, account, django_capture_on_commit_callbacks
):
    client.get(f"/public/institutions/{home.credit_code}/")
    with django_capture_on_commit_callbacks(execute=True):
        services.account_close(account, actor=world.yanggu_mz)
    body = client.get(f"/public/institutions/{home.credit_code}/").content.decode()
    assert "未登记监管专户" in body


# --- import ----------------------------------------------------------------------------------

HEADER = [
    "姓名",
    "身份证号",
    "类别",
    "金额",
    "收取日期",
    "月费用合计",
    "预收月数",
    "合同终止日期",
    "已退金额",
    "退费日期",
]


def workbook(rows):
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("台账.xlsx", buf.getvalue())


GOOD = ["王桂兰", id_number(11), "押金", "10000", "2026-03-01", "2600", "", "", "", ""]
ALSO_GOOD = ["刘振华", id_number(12), "预收费", "2600", "2026-11-01", "2600", "1", "", "", ""]
BAD = ["陈淑珍", "372522198001011235", "押金", "一万", "2026-13-01", "2600", "", "", "", ""]


def test_an_import_with_errors_reports_them_by_row_and_column_and_writes_nothing(world, home):
    result = services.ledger_import(workbook([GOOD, BAD, ALSO_GOOD]), institution=home, actor=world.yanggu_mz)
    assert not result.applied and FeeEntry.objects.count() == 0
    assert len(result.good) == 2
    found = {(e.row, e.column) for e in result.errors}
    assert {(3, "身份证号"), (3, "金额"), (3, "收取日期")} <= found


def test_the_good_rows_apply_whole_when_asked_and_a_repeat_changes_nothing(world, home):
    result = services.ledger_import(
        workbook([GOOD, BAD, ALSO_GOOD]), institution=home, actor=world.yanggu_mz, apply_good=True
    )
    assert result.applied and result.written == 2
    entry = FeeEntry.objects.get(kind="prepaid")
    assert entry.id_masked == id_number(12)[:4] + "*" * 10 + id_number(12)[-4:]
    assert id_number(12) not in str(FeeEntry.objects.values_list())
    again = services.ledger_import(workbook([GOOD, ALSO_GOOD]), institution=home, actor=world.yanggu_mz)
    assert again.applied and again.written == 0 and again.unchanged == 2


def test_the_import_page_shows_the_errors(client_for, world, home):
    response = client_for(world.yanggu_mz).post(
        f"/funds/deposits/institutions/{home.pk}/fees/import/", {"file": workbook([GOOD, BAD])}
    )
    body = response.content.decode()
    assert response.status_code == 200 and "未写入任何记录" in body and "应为金额" in body


def test_balances_import_matches_accounts_in_scope(world, home, account):
    wb = Workbook()
    ws = wb.active
    ws.append(["账号", "余额日期", "余额"])
    ws.append(["6228480012345678901", "2026-11-30", "12345.60"])
    ws.append(["6228489999999999999", "2026-11-30", "1"])
    buf = io.BytesIO()
    wb.save(buf)
    result = services.balance_import(
        SimpleUploadedFile("余额.xlsx", buf.getvalue()),
        actor=world.yanggu_mz,
        source="bank",
        visible=EscrowAccount.objects.visible_to(world.yanggu_mz),
        apply_good=True,
    )
    assert result.written == 1 and [(e.row, e.column) for e in result.errors] == [(3, "账号")]
    assert account.balances.get().balance == Decimal("12345.60")
