"""Browser flow: 阳谷县民政 opens the statistical reports, starts the November 2026 monthly
report of its own unit, reads its figures and downloads it as Word."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_county_starts_and_downloads_the_monthly_report(world, settings, live_server, login_page, page):
    settings.AXES_ENABLED = False
    login_page("yanggu_mz", world.password)
    page.goto(f"{live_server.url}/reports/")
    page.click("#report-new")
    page.select_option("#id_format", label="养老服务监管工作月报")
    page.fill("#id_year", "2026")
    page.fill("#id_number", "11")
    page.get_by_role("button", name="确定").click()
    page.wait_for_selector("#report-table")
    assert "养老服务监管工作月报" in page.content() and "2026年11月" in page.content()
    with page.expect_download() as info:
        page.click("#report-word")
    download = info.value
    assert download.suggested_filename == "阳谷县2026年11月养老服务监管工作月报.docx"
    doc = Document(io.BytesIO(Path(download.path()).read_bytes()))
    names = [row.cells[1].text for row in doc.tables[0].rows]
    assert "完成现场检查（次）" in names and "行政处罚决定（件）" in names
