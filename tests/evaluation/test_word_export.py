"""The evaluation exported as Word (read back with python-docx) is the form of 004 附件1: a
table of the 50 rows, numbered, under its four group headings, with the computed figures."""

from __future__ import annotations

import io
import re

import pytest
from docx import Document
from openpyxl import load_workbook

from supervision.evaluation import services

pytestmark = pytest.mark.django_db
NUMBER = re.compile(r"^(\d\.\d{1,2}) ")


def test_word_export_has_the_50_rows_under_the_four_headings(world, homes, client_for):
    evaluation = services.evaluation_create(world.yanggu_mz, region=world.yanggu, year=2026, preparer="张静")
    entry = evaluation.entries.get(number="1.2")
    services.entry_update(entry, actor=world.yanggu_mz, completion="done", completed_text="已印发实施意见")
    response = client_for(world.yanggu_mz).get(f"/evaluation/{evaluation.pk}/word/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "养老服务监管效能评估表" in text and "阳谷县" in text and "张静" in text
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells] == [
        "一级指标", "二级指标", "已完成情况及佐证材料", "未完成说明", "政策依据和任务来源"
    ]  # fmt: skip
    numbers, headings, cells = [], [], {}
    for row in table.rows[1:]:
        first = {c.text for c in row.cells}
        if len(first) == 1:  # a merged group heading
            headings.append(row.cells[0].text)
            continue
        match = NUMBER.match(row.cells[1].text)
        assert match, row.cells[1].text
        numbers.append(match.group(1))
        cells[match.group(1)] = [c.text for c in row.cells]
    assert headings == ["1.制度建设", "2.机制运行", "3.能力提升", "4.监管成效"]
    assert len(numbers) == 50 and len(set(numbers)) == 50
    assert numbers[:3] == ["1.1", "1.2", "1.3"] and numbers[-1] == "4.21"
    assert sum(n.startswith("1.") for n in numbers) == 12 and sum(n.startswith("4.") for n in numbers) == 21
    assert "已印发实施意见" in cells["1.2"][2]
    assert cells["1.2"][4].startswith("《国务院办公厅关于建立健全养老服务综合监管制度")
    # computed rows carry the registry's figures: 4.9 fire acceptance 1 of 3 care homes
    assert "完成消防审验或备案的养老机构（家）：1 家" in cells["4.9"][2]
    assert "完成消防审验或备案的比例：33.3%" in cells["4.9"][2]
    assert "每百张养老床位配备社会工作者人数：1.11 人" in cells["4.21"][2]


def test_excel_export_names_its_sheet_and_lists_the_rows(world, homes, client_for):
    evaluation = services.evaluation_create(world.yanggu_mz, region=world.yanggu, year=2026)
    response = client_for(world.yanggu_mz).get(f"/evaluation/{evaluation.pk}/excel/")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws.title == "养老服务监管效能评估表"
    rows = list(ws.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r[0] == "一级指标")
    assert rows[header][1:4] == ("序号", "二级指标", "完成情况")
    assert [r[1] for r in rows[header + 1 :]][:2] == ["1.1", "1.2"] and len(rows) - header - 1 == 50


def test_the_api_detail_links_the_word_export(world, homes, api_for):
    evaluation = services.evaluation_create(world.yanggu_mz, region=world.yanggu, year=2026)
    data = api_for(world.yanggu_mz).get(f"/api/v1/evaluations/{evaluation.pk}/").json()
    assert data["word_url"].endswith(f"/evaluation/{evaluation.pk}/word/")
    assert len(data["entries"]) == 50
    row = next(e for e in data["entries"] if e["number"] == "4.5")
    assert {c["code"]: c["value"] for c in row["computed"]}["institutions.eval_rated"] == 1
    assert api_for(world.dongchangfu_mz).get(f"/api/v1/evaluations/{evaluation.pk}/").status_code == 404
