"""Statistical reports: the county asks its townships for the monthly report (drafts and the
report-by clock), sees which are missing, reviews or returns with a reason; the figures are the
registry's; Word, Excel and the print view carry the particulars; a township sees only its own."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from docx import Document
from openpyxl import load_workbook

from inspections.models import Inspection
from supervision.core.policy import Denied
from supervision.deadlines.models import Deadline
from supervision.reports import services
from supervision.reports.formats import FORMATS
from supervision.reports.models import Report
from tests.factories import RegionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_town(world):
    return RegionFactory(code="371521101000", name="狮子楼街道", level=4, parent=world.yanggu)


def test_every_format_reads_registered_indicators():
    from supervision import indicators

    for spec in FORMATS.values():
        for code in spec.codes():
            indicators.get(code)
    assert [f.title for f in FORMATS.values()] == [
        "养老服务监管工作月报", "养老服务监管工作季报", "养老服务监管工作年报", "养老机构基本情况表"
    ]  # fmt: skip


def test_county_calls_townships_sees_the_missing_and_reviews(
    world, homes, township_mz, second_town, client_for
):
    Inspection.objects.create(
        institution=homes.a,
        department=world.mz,
        kind="routine",
        status="closed",
        inspected_on=dt.date(2026, 11, 5),
    )
    made = services.report_call(world.yanggu_mz, format="monthly", region=world.yanggu, year=2026, number=11)
    assert sorted(r.region.name for r in made) == ["博济桥街道", "狮子楼街道"]
    clocks = Deadline.objects.filter(rule__code="report.monthly", state="open")
    assert clocks.count() == 2 and {c.start for c in clocks} == {dt.date(2026, 11, 30)}
    assert [u.name for u in services.missing_units(world.yanggu_mz, world.yanggu, "monthly", "2026-11")] == [
        "博济桥街道", "狮子楼街道"
    ]  # fmt: skip

    mine = Report.objects.get(region=world.yanggu_town, period_key="2026-11")
    mine = services.report_refresh(mine, actor=township_mz)
    done = {v["code"]: v["value"] for v in mine.values}
    assert done["inspections.eval_inspections_done"] == 1
    with pytest.raises(ValidationError, match="制表人"):
        services.report_submit(mine, actor=township_mz)
    services.report_update(mine, actor=township_mz, preparer="王制表", note="")
    with pytest.raises(Denied):
        services.report_submit(mine, actor=world.yanggu_mz)  # the county does not report for it
    mine = services.report_submit(mine, actor=township_mz)
    assert Deadline.objects.get(object_id=mine.pk, rule__code="report.monthly").state == "met"
    assert [u.name for u in services.missing_units(world.yanggu_mz, world.yanggu, "monthly", "2026-11")] == [
        "狮子楼街道"
    ]
    page = client_for(world.yanggu_mz).get("/reports/missing/?format=monthly&period=2026-11").content.decode()
    assert "狮子楼街道" in page.split('id="missing"')[1].split("</ul>")[0]

    with pytest.raises(Denied):
        services.report_approve(mine, actor=township_mz)
    client = client_for(world.yanggu_mz)
    assert client.post(f"/reports/{mine.pk}/return/", {"reason": ""}).status_code == 302
    mine.refresh_from_db()
    assert mine.state == "submitted"  # no reason, no return
    client.post(f"/reports/{mine.pk}/return/", {"reason": "检查次数与台账不一致"})
    mine.refresh_from_db()
    assert mine.state == "returned" and mine.return_reason == "检查次数与台账不一致"
    services.report_submit(mine, actor=township_mz)
    client.post(f"/reports/{mine.pk}/approve/")
    mine.refresh_from_db()
    assert mine.state == "approved"


def test_township_sees_only_its_own_report(world, township_mz, second_town, client_for, api_for):
    made = services.report_call(world.yanggu_mz, format="monthly", region=world.yanggu, year=2026, number=11)
    mine, theirs = sorted(made, key=lambda r: r.region.code)
    client = client_for(township_mz)
    assert client.get(f"/reports/{mine.pk}/").status_code == 200
    for path in ("", "print/", "word/", "excel/"):
        assert client.get(f"/reports/{theirs.pk}/{path}").status_code == 404
    ids = [r["id"] for r in api_for(township_mz).get("/api/v1/reports/").json()["results"]]
    assert ids == [mine.pk]
    assert client.post(f"/reports/{theirs.pk}/submit/").status_code == 404


def test_word_excel_and_print_carry_title_unit_preparer_period_and_units(world, homes, client_for):
    report = services.report_create(world.yanggu_mz, format="basic", region=world.yanggu, year=2026, number=4)
    services.report_update(report, actor=world.yanggu_mz, preparer="张静", note="")
    services.report_submit(report, actor=world.yanggu_mz)
    client = client_for(world.yanggu_mz)
    doc = Document(io.BytesIO(client.get(f"/reports/{report.pk}/word/").content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert (
        "养老机构基本情况表" in text
        and "阳谷县民政局" in text
        and "张静" in text
        and "2026年第四季度" in text
    )
    rows = {
        r.cells[1].text: r.cells[2].text for r in doc.tables[0].rows[1:] if r.cells[0].text != r.cells[1].text
    }
    assert rows["床位数（张）"] == "190 张"  # operating A 100 + B 50 + C 30 + D 10 (not E, not F)
    ws = load_workbook(io.BytesIO(client.get(f"/reports/{report.pk}/excel/").content)).active
    assert ws.title == "养老机构基本情况表"
    values = list(ws.iter_rows(values_only=True))
    header = values.index(("序号", "指标", "数值", "单位", "口径说明", "依据"))
    assert any("制表人：张静" in (r[0] or "") for r in values[:header])
    beds = next(r for r in values[header:] if r[1] == "床位数（张）")
    assert beds[2] == 190 and beds[3] == "张"
    printed = client.get(f"/reports/{report.pk}/print/").content.decode()
    assert "养老机构基本情况表" in printed and "制表人：张静" in printed
