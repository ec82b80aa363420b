"""Word (python-docx) and Excel (openpyxl) builders shared by the statistical reports and the
004 evaluation: a landscape A4 document with a title, a line of particulars and a table; a
workbook with a named sheet, a title block, headers and units. Every Excel cell goes through
``exports.safe_cell`` (no formulas)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from io import BytesIO
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse

from supervision.core.exports import safe_cell

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
TABLE_FONT = "宋体"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _font(run: Any, name: str, size: float, *, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


class WordTable:
    """A document of one table: ``heading`` rows (a group title across the table) and rows."""

    def __init__(
        self, *, title: str, kicker: str = "", particulars: str = "", landscape: bool = True
    ) -> None:
        from docx import Document
        from docx.enum.section import WD_ORIENT
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Mm

        self.doc = Document()
        section = self.doc.sections[0]
        if landscape:
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = Mm(297), Mm(210)
        else:
            section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin = section.bottom_margin = Mm(20)
        section.left_margin = section.right_margin = Mm(20)
        if kicker:
            _font(self.doc.add_paragraph().add_run(kicker), "黑体", 14)
        p = self.doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(p.add_run(title), TITLE_FONT, 20)
        if particulars:
            _font(self.doc.add_paragraph().add_run(particulars), BODY_FONT, 12)
        self.table: Any = None

    def start(self, headers: Sequence[str], widths_mm: Sequence[float] = ()) -> None:
        from docx.shared import Mm

        self.table = self.doc.add_table(rows=1, cols=len(headers))
        self.table.style = "Table Grid"
        for cell, text in zip(self.table.rows[0].cells, headers, strict=True):
            cell.text = ""
            _font(cell.paragraphs[0].add_run(text), "黑体", 11, bold=True)
        self._widths = [Mm(w) for w in widths_mm]
        self._apply_widths(self.table.rows[0])

    def _apply_widths(self, row: Any) -> None:
        for cell, width in zip(row.cells, self._widths, strict=False):
            cell.width = width

    def heading(self, text: str) -> None:
        row = self.table.add_row()
        merged = row.cells[0].merge(row.cells[-1])
        merged.text = ""
        _font(merged.paragraphs[0].add_run(text), "黑体", 11, bold=True)

    def row(self, values: Iterable[Any]) -> None:
        row = self.table.add_row()
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = ""
            lines = str("" if value is None else value).split("\n")
            para = cell.paragraphs[0]
            for i, line in enumerate(lines):
                if i:
                    para = cell.add_paragraph()
                _font(para.add_run(line), TABLE_FONT, 10.5)
        self._apply_widths(row)

    def paragraph(self, text: str, *, size: float = 11) -> None:
        _font(self.doc.add_paragraph().add_run(text), BODY_FONT, size)

    def response(self, filename: str) -> HttpResponse:
        buf = BytesIO()
        self.doc.save(buf)
        return _download(buf.getvalue(), DOCX_TYPE, filename)


def _download(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "private, no-store"
    return response


def xlsx_table(
    filename: str,
    *,
    sheet: str,
    title: str,
    particulars: Sequence[str],
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    widths: Sequence[int] = (),
) -> HttpResponse:
    """A workbook of one named sheet: the title, the particulars (填报单位、统计期…), the header
    row (bold, frozen below it) and the rows. Texts are stored as strings, never formulas."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = sheet[:31]

    def put(row: int, col: int, value: Any, *, bold: bool = False) -> None:
        value = safe_cell(value)
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell = ws.cell(row=row, column=col, value=value)
        if isinstance(value, str):
            cell.data_type = "s"
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if bold:
            cell.font = Font(bold=True)

    put(1, 1, title, bold=True)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    r = 2
    for line in particulars:
        put(r, 1, line)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(headers))
        r += 1
    for c, h in enumerate(headers, start=1):
        put(r, c, h, bold=True)
    ws.freeze_panes = ws.cell(row=r + 1, column=1)
    for values in rows:
        r += 1
        for c, v in enumerate(values, start=1):
            put(r, c, v)
    for c, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = w
    buf = BytesIO()
    wb.save(buf)
    return _download(buf.getvalue(), XLSX_TYPE, filename)
