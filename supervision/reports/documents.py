"""A report as Word (the print layout: title, 填报单位, 制表人, period, date, the table) and as
Excel (sheet named after the report, headers and units)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.http import HttpResponse

from supervision.core.present import cite

from .exports import WordTable, xlsx_table
from .formats import date_cn as date_label
from .formats import shown
from .models import Report

HEADERS = ["序号", "指标", "数值", "单位", "口径说明", "依据"]


def particulars(report: Report) -> list[str]:
    return [
        f"填报单位：{report.unit_name}",
        f"统计期：{report.period_label}（{date_label(report.period_start)}至{date_label(report.period_end)}）",
        f"制表人：{report.preparer or '—'}",
        f"填报日期：{date_label(report.prepared_on)}",
        f"状态：{report.get_state_display()}",
    ]


def filename(report: Report, ext: str) -> str:
    return f"{report.region.name}{report.period_label}{report.title}.{ext}"


def report_docx(report: Report) -> HttpResponse:
    doc = WordTable(title=report.title, particulars="    ".join(particulars(report)[:4]), landscape=False)
    doc.start(["序号", "指标", "数值", "口径说明"], widths_mm=(12, 55, 28, 75))
    n = 0
    for section, rows in report.sections():
        doc.heading(section)
        for row in rows:
            n += 1
            doc.row([n, row["name"], shown(row["value"], row["unit"]), row["definition"]])
    if report.note:
        doc.paragraph(f"填报说明：{report.note}")
    doc.paragraph(f"数据来源：养老服务综合监管平台，提取时间 {date_label(report.computed_at)}。", size=10)
    return doc.response(filename(report, "docx"))


def _number(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return Decimal(value)
        except InvalidOperation:
            return value
    return value


def report_xlsx(report: Report) -> HttpResponse:
    rows: list[list[Any]] = []
    n = 0
    for section, items in report.sections():
        rows.append(["", section, "", "", "", ""])
        for row in items:
            n += 1
            rows.append(
                [n, row["name"], _number(row["value"]), row["unit"], row["definition"], cite(row["source"])]
            )
    return xlsx_table(
        filename(report, "xlsx"),
        sheet=report.title,
        title=f"{report.title}（{report.period_label}）",
        particulars=particulars(report),
        headers=HEADERS,
        rows=rows,
        widths=(6, 40, 12, 8, 60, 40),
    )
