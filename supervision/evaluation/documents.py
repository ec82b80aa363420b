"""The evaluation as Word in the form's own layout (004 附件1: a table of the 50 rows under
its four group headings; columns 一级指标, 二级指标, 已完成情况及佐证材料, 未完成说明,
政策依据和任务来源; the form's note below) and as Excel."""

from __future__ import annotations

from django.http import HttpResponse

from supervision.reports.exports import WordTable, xlsx_table
from supervision.reports.formats import date_cn, shown

from .data.indicators_004 import FORM_NOTE, GROUPS
from .models import Evaluation, EvaluationEntry

HEADERS = ["一级指标", "二级指标", "已完成情况及佐证材料", "未完成说明", "政策依据和任务来源"]
GROUP_NAMES = dict(GROUPS)


def entries(evaluation: Evaluation) -> list[EvaluationEntry]:
    rows = list(evaluation.entries.prefetch_related("evidence__file"))
    order = {row: i for i, row in enumerate(number_order())}
    return sorted(rows, key=lambda e: order.get(e.number, 999))


def number_order() -> list[str]:
    from .data.indicators_004 import INDICATORS

    return [row["number"] for row in INDICATORS]


def completed_text(entry: EvaluationEntry, year: int) -> str:
    """已完成情况及佐证材料 of one row: the completion, the registry figures, the unit's text,
    the evidence and the names of its files."""
    lines: list[str] = []
    if entry.completion:
        lines.append(f"完成情况：{entry.get_completion_display()}")
    if entry.computed:
        lines.append(f"系统数据（{year}年）：")
        lines += [f"{row['name']}：{shown(row['value'], row['unit'])}" for row in entry.computed]
    if entry.completed_text:
        lines.append(entry.completed_text)
    evidence = [entry.evidence_text] if entry.evidence_text else []
    evidence += [f"附件：{e.file.original_name or e.description}" for e in entry.evidence.all()]
    if evidence:
        lines.append("佐证材料：" + "；".join(evidence))
    return "\n".join(lines)


def particulars(evaluation: Evaluation) -> str:
    return (
        f"乡镇（街道）/区县：{evaluation.region.name}    联系人：{evaluation.preparer or '—'}    "
        f"时间：{date_cn(evaluation.prepared_on or evaluation.updated_at.date())}"
    )


def filename(evaluation: Evaluation, ext: str) -> str:
    return f"{evaluation.region.name}{evaluation.year}年养老服务监管效能评估表.{ext}"


def evaluation_docx(evaluation: Evaluation) -> HttpResponse:
    doc = WordTable(title="养老服务监管效能评估表", kicker="附件1", particulars=particulars(evaluation))
    doc.start(HEADERS, widths_mm=(22, 70, 85, 45, 35))
    group = None
    for entry in entries(evaluation):
        if entry.group != group:
            group = entry.group
            doc.heading(GROUP_NAMES[group])
        doc.row(
            [
                GROUP_NAMES[entry.group],
                f"{entry.number} {entry.text}",
                completed_text(entry, evaluation.year),
                entry.explanation,
                entry.basis,
            ]
        )
    doc.paragraph(FORM_NOTE, size=10)
    return doc.response(filename(evaluation, "docx"))


def evaluation_xlsx(evaluation: Evaluation) -> HttpResponse:
    rows = [
        [
            GROUP_NAMES[e.group],
            e.number,
            e.text,
            e.get_completion_display() if e.completion else "",
            completed_text(e, evaluation.year),
            e.explanation,
            e.basis,
        ]
        for e in entries(evaluation)
    ]
    return xlsx_table(
        filename(evaluation, "xlsx"),
        sheet="养老服务监管效能评估表",
        title=f"{evaluation.region.name}{evaluation.year}年养老服务监管效能评估表",
        particulars=[particulars(evaluation), f"状态：{evaluation.get_state_display()}"],
        headers=[
            "一级指标",
            "序号",
            "二级指标",
            "完成情况",
            "已完成情况及佐证材料",
            "未完成说明",
            "政策依据和任务来源",
        ],
        rows=rows,
        widths=(12, 6, 50, 10, 60, 30, 40),
    )
