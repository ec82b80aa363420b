"""A messy 10,000-row registration list (duplicates, wrong/missing codes, unknown regions, name
variants) through the real pipeline: per-row errors with row number, column and reason, the
Excel error report, the classification of good rows, the created registry entries and work
items, and the remembered mapping on the next upload of the same source."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from openpyxl import load_workbook

from institutions.models import Institution, InstitutionStatus
from institutions.reconciliation import services
from institutions.reconciliation.models import (
    Classification,
    MatchMethod,
    ReconciliationRow,
    ReviewState,
    RunStatus,
    WorkAction,
    WorkItem,
)
from institutions.validators import ALPHABET, explain_credit_code
from tests.institutions.factories import credit_code
from tests.reconciliation.conftest import start, upload, write_xlsx

# Deliberately unusual headers: the guesser cannot detect 主体标识 / 主体字号, so the first
# upload needs staff to confirm the mapping, and the second must reuse it.
HEADERS = ["序号", "主体标识", "主体字号", "住所", "所属乡镇", "经营范围", "是否开展养老服务"]
MAPPING = {
    "credit_code": "主体标识",
    "name": "主体字号",
    "address": "住所",
    "region": "所属乡镇",
    "business_scope": "经营范围",
    "operating": "是否开展养老服务",
}
N_ROWS = 10_000


def wrong_check(code: str) -> str:
    return code[:-1] + next(c for c in ALPHABET if c != code[-1])


@dataclass
class Messy:
    rows: list[list] = field(default_factory=list)
    expected_errors: dict[int, tuple[str, str]] = field(default_factory=dict)  # row -> (column, reason)
    new_codes: int = 0

    def add(self, row: list, error: tuple[str, str] | None = None) -> int:
        self.rows.append(row)
        number = len(self.rows) + 1  # the header is line 1
        if error:
            self.expected_errors[number] = error
        return number


def build_registry(world, town2) -> dict[str, list[Institution]]:
    def inst(
        i: int, status: str, code: str | None, name: str, region, authority: str = "market"
    ) -> Institution:
        return Institution(
            credit_code=code,
            name=name,
            kind="care_home",
            nature="for_profit",
            registration_authority=authority,
            status=status,
            region=region,
            address=f"阳谷县振兴路 {i} 号",
        )

    towns = [world.yanggu_town, town2]
    filed = [inst(i, "filed", credit_code(i), f"阳谷县福寿{i}号养老院", towns[i % 2]) for i in range(1, 201)]
    unfiled = [
        inst(i, "registered_not_filed", credit_code(i), f"阳谷县康宁{i}号养老院", towns[i % 2])
        for i in range(201, 301)
    ]
    absent = [
        inst(i, "filed", credit_code(i), f"阳谷县长青{i}号养老院", towns[i % 2]) for i in range(301, 321)
    ]
    black = [
        inst(901, "unregistered", None, "阳谷县福康养老院", world.yanggu_town, "none"),
        inst(902, "unregistered", None, "阳谷县颐和园养老院", world.yanggu_town, "none"),
        inst(903, "unregistered", None, "阳谷县松鹤养老院", town2, "none"),
        inst(904, "unregistered", None, "阳谷县金色夕阳养老院", town2, "none"),
    ]
    other_county = [
        inst(990, "filed", credit_code(990, "52371502"), "东昌府区福寿养老院", world.dongchangfu_town)
    ]
    Institution.objects.bulk_create(filed + unfiled + absent + black + other_county)
    return {"filed": filed, "unfiled": unfiled, "absent": absent, "black": black}


def build_file(tmp_path) -> tuple[Messy, dict]:
    m = Messy()
    towns = ["博济桥街道", "371521002000"]  # by name and by code
    col_code, col_name, col_region = "主体标识", "主体字号", "所属乡镇"
    marks: dict = {}
    for i in range(1, 201):  # filed; name variants do not matter when the code matches
        m.add(
            [
                i,
                credit_code(i),
                f"阳谷县福寿{i}号养老院（普通合伙）",
                f"振兴路 {i} 号",
                towns[i % 2],
                "养老服务",
                "是",
            ]
        )
    for i in range(201, 301):  # registered, not filed; ten say they do not operate
        marks.setdefault("not_operating", [])
        flag = "否" if i <= 210 else "是"
        n = m.add(
            [i, credit_code(i), f"阳谷县康宁{i}号养老院", f"振兴路 {i} 号", towns[i % 2], "养老服务", flag]
        )
        if flag == "否":
            marks["not_operating"].append(n)
    # Name variants of the unregistered (black) homes, with new valid codes.
    marks["fuzzy_auto"] = m.add(
        [0, credit_code(5001), "阳谷县福康敬老院", "振兴路 901 号", "博济桥街道", "养老服务", "是"]
    )  # 养老院/敬老院
    marks["fuzzy_brackets"] = m.add(
        [
            0,
            credit_code(5002),
            "阳谷县（颐和园）养老院有限公司",
            "振兴路 902 号",
            "博济桥街道",
            "养老服务",
            "是",
        ]
    )  # full-width brackets + 有限公司
    marks["fuzzy_review"] = m.add(
        [0, credit_code(5003), "阳谷县松鹤堂养老院", "振兴路 903 号", "侨润街道", "养老服务", "是"]
    )  # similar, not similar enough: review queue
    marks["fuzzy_none"] = m.add(
        [0, credit_code(5004), "阳谷县红叶托老所", "人民路 1 号", "侨润街道", "养老服务", "是"]
    )  # no candidate
    # Errors, each with its exact column and reason.
    for k in range(100):
        m.add([0, "", f"无代码{k}养老院", "路", "博济桥街道", "", ""], (col_code, "缺少统一社会信用代码。"))
    for k in range(100):
        bad = wrong_check(credit_code(6000 + k))
        m.add([0, bad, f"错校验{k}养老院", "路", "博济桥街道", "", ""], (col_code, explain_credit_code(bad)))
    for k in range(50):
        good = credit_code(6200 + k)
        bad = good[:9] + "I" + good[10:]
        m.add([0, bad, f"错字符{k}养老院", "路", "博济桥街道", "", ""], (col_code, explain_credit_code(bad)))
    for k in range(50):
        bad = credit_code(6300 + k)[:17]
        m.add([0, bad, f"短代码{k}养老院", "路", "博济桥街道", "", ""], (col_code, explain_credit_code(bad)))
    for k in range(50):
        m.add(
            [0, credit_code(6400 + k), f"未知区{k}养老院", "路", "不存在镇", "", ""],
            (col_region, "区划“不存在镇”不存在或不在本辖区（阳谷县）内。"),
        )
    for k in range(50):  # a township of the sibling county is outside the uploader's jurisdiction
        m.add(
            [0, credit_code(6500 + k), f"外县{k}养老院", "路", "古楼街道", "", ""],
            (col_region, "区划“古楼街道”不存在或不在本辖区（阳谷县）内。"),
        )
    for k in range(30):
        m.add([0, credit_code(6600 + k), "", "路", "博济桥街道", "", ""], (col_name, "缺少机构名称。"))
    # New registrations fill the rest, with 100 duplicates of earlier new codes sprinkled in.
    new_rows: list[tuple[str, int]] = []
    dups = k = 0
    while len(m.rows) < N_ROWS:
        if k and k % 80 == 0 and dups < 100 and len(new_rows) > 40:
            code, first = new_rows[-40]
            dups += 1
            m.add(
                [0, code, "重复的养老服务中心", "路", "博济桥街道", "", ""],
                (col_code, f"与第 {first} 行的统一社会信用代码重复。"),
            )
        k += 1
        code = credit_code(10_000 + k)
        n = m.add(
            [0, code, f"阳谷县新苑{k}养老服务有限公司", f"新区路 {k} 号", towns[k % 2], "养老服务", "是"]
        )
        new_rows.append((code, n))
        m.new_codes += 1
    assert dups == 100
    path = write_xlsx(tmp_path / "market.xlsx", HEADERS, m.rows)
    return m, {"path": path, **marks}


@pytest.mark.django_db
def test_messy_ten_thousand_rows(world, town2, market_source, tmp_path, django_capture_on_commit_callbacks):
    registry = build_registry(world, town2)
    m, f = build_file(tmp_path)
    assert len(m.rows) == N_ROWS
    assert len(m.expected_errors) == 530
    before = Institution.objects.count()

    run = upload(world.yanggu_mz, f["path"], market_source, coverage="full")
    assert run.status == RunStatus.MAPPING
    assert run.headers == HEADERS
    assert "credit_code" not in run.mapping  # the unusual header was not guessed
    run = start(run, world.yanggu_mz, MAPPING, django_capture_on_commit_callbacks)

    assert run.status == RunStatus.DONE, run.failure
    assert run.total_rows == run.processed_rows == N_ROWS
    assert run.error_rows == 530

    # Every bad row is reported with its row number, column header and reason.
    got = {
        r.row_number: (r.errors[0]["column"], r.errors[0]["reason"])
        for r in ReconciliationRow.objects.filter(run=run, classification=Classification.ERROR)
    }
    assert got == m.expected_errors
    some_check_error = next(v for v in m.expected_errors.values() if "校验码" in v[1])
    assert "第 18 位校验码错误" in some_check_error[1]

    # The Excel error report holds the same rows.
    response = None
    from django.test import Client

    client = Client()
    client.force_login(world.yanggu_mz)
    response = client.get(f"/institutions/reconciliation/runs/{run.pk}/errors.xlsx")
    assert response.status_code == 200
    report = tmp_path / "report.xlsx"
    report.write_bytes(response.content)
    ws = load_workbook(report, read_only=True).worksheets[0]
    lines = list(ws.iter_rows(values_only=True))
    assert lines[0][:3] == ("行号", "列", "错误原因")
    assert {int(r[0]): (r[1], r[2]) for r in lines[1:]} == m.expected_errors

    # Good rows are classified.
    rows = ReconciliationRow.objects.filter(run=run)
    count = lambda c: rows.filter(classification=c).count()  # noqa: E731
    assert count(Classification.FILED) == 200
    assert count(Classification.REGISTERED_NOT_OPERATING) == 10
    assert set(
        rows.filter(classification=Classification.REGISTERED_NOT_OPERATING).values_list(
            "row_number", flat=True
        )
    ) == set(f["not_operating"])
    # 90 known-but-unfiled + 2 black homes matched by name + 1 unmatched new + the new registrations
    assert count(Classification.REGISTERED_NOT_FILED) == 90 + 2 + 1 + m.new_codes
    assert count(Classification.REVIEW) == 1  # its own class until staff decide
    # Every row of the file is in exactly one class.
    assert rows.filter(row_number__isnull=False).count() == N_ROWS == run.file_total
    # 名录外待核 (the complete list leaves them out): the 20 filed homes missing from the list and
    # the black home that nothing matched — in their own bucket, never 未登记.
    absent = rows.filter(classification=Classification.REGISTRY_ABSENT)
    assert {r.name for r in absent} == {i.name for i in registry["absent"]} | {"阳谷县金色夕阳养老院"}
    assert all(r.row_number is None for r in absent)
    assert not absent.filter(name="东昌府区福寿养老院").exists()  # other county
    assert not rows.filter(classification=Classification.UNREGISTERED).exists()

    # Name variants.
    auto = rows.get(row_number=f["fuzzy_auto"])
    assert auto.match_method == MatchMethod.NAME and auto.confidence >= 90
    assert auto.institution.name == "阳谷县福康养老院"
    brackets = rows.get(row_number=f["fuzzy_brackets"])
    assert brackets.institution.name == "阳谷县颐和园养老院" and brackets.confidence >= 90
    review = rows.get(row_number=f["fuzzy_review"])
    assert review.review == ReviewState.PENDING and review.institution is None
    assert review.candidate.name == "阳谷县松鹤养老院" and 75 <= review.confidence < 90
    none = rows.get(row_number=f["fuzzy_none"])
    assert none.match_method == MatchMethod.NEW and none.candidate is None

    # The registry: new registrations created as 登记未备案, the black homes now registered.
    assert Institution.objects.count() == before + m.new_codes + 1
    fukang = Institution.objects.get(name="阳谷县福康养老院")
    assert fukang.status == InstitutionStatus.REGISTERED_NOT_FILED and fukang.credit_code == credit_code(5001)
    assert (
        Institution.objects.get(name="阳谷县松鹤养老院").status == InstitutionStatus.UNREGISTERED
    )  # awaits review

    # Work items for the townships: urge filing, change registration, on-site checks.
    items = WorkItem.objects.filter(run=run)
    assert items.filter(action=WorkAction.CHANGE_REGISTRATION).count() == 10
    assert items.filter(action=WorkAction.REVIEW_ABSENT).count() == 21
    assert not items.filter(action=WorkAction.ONSITE_CHECK).exists()
    assert items.filter(action=WorkAction.URGE_FILING).count() == 90 + 2 + 1 + m.new_codes
    assert not items.filter(row__review=ReviewState.PENDING).exists()
    assert run.counts[Classification.FILED] == 200 and run.counts["review"] == 1

    # Accepting the review links the black home and registers it.
    services.row_review(review, actor=world.yanggu_mz, accept=True)
    review.refresh_from_db()
    assert review.institution.name == "阳谷县松鹤养老院" and review.review == ReviewState.ACCEPTED
    assert Institution.objects.get(name="阳谷县松鹤养老院").credit_code == credit_code(5003)
    assert WorkItem.objects.filter(row=review, action=WorkAction.URGE_FILING).exists()

    # The next upload of the same source reuses the confirmed mapping.
    small = write_xlsx(tmp_path / "again.xlsx", HEADERS, m.rows[:5])
    again = upload(world.yanggu_mz, small, market_source)
    assert again.mapping == MAPPING
    page = client.get(f"/institutions/reconciliation/runs/{again.pk}/mapping/")
    assert "已沿用该数据来源上次确认的列映射" in page.content.decode()
