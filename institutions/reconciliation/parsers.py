"""Streaming readers for registration lists: xlsx through openpyxl's read-only mode, csv through
the csv module with the encoding detected from the first bytes (utf-8-sig, else gb18030).

Both yield ``(row_number, values)`` one row at a time, where ``row_number`` is the line staff
see in Excel (the header is line 1 when it is the first line), so memory does not grow with
the file. Nothing here holds more than one row."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SNIFF_BYTES = 256 * 1024


class UnreadableFile(ValueError):
    """The upload is not an xlsx/csv file we can read; the message is shown to staff."""


def cell_text(value: Any) -> str:
    """A cell as trimmed text; Excel numbers that are really codes lose their ``.0``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return str(value).strip()


def detect_encoding(path: Path) -> str:
    """utf-8 (with or without BOM) when the first bytes decode as such, else gb18030 (the
    superset of GBK that Chinese Excel writes for "CSV")."""
    with open(path, "rb") as fh:
        head = fh.read(SNIFF_BYTES)
    try:
        codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False)
        return "utf-8-sig"
    except UnicodeDecodeError:
        return "gb18030"


@dataclass
class Table:
    headers: list[str]
    header_row: int
    rows: Iterator[tuple[int, list[str]]]
    estimated_rows: int


def _kind(path: Path, filename: str = "") -> str:
    name = (filename or path.name).lower()
    if name.endswith(".csv"):
        return "csv"
    if name.endswith((".xlsx", ".xlsm")):
        return "xlsx"
    raise UnreadableFile("仅支持 .xlsx 或 .csv 文件。")


@contextmanager
def open_table(path: Path, filename: str = "") -> Iterator[Table]:
    """Open a registration list; the header is the first non-empty row."""
    kind = _kind(path, filename)
    if kind == "xlsx":
        from openpyxl import load_workbook

        try:
            wb = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # zip/XML errors: tell staff, not a 500
            raise UnreadableFile("无法读取 Excel 文件，请确认为 .xlsx 格式。") from exc
        try:
            ws = wb.worksheets[0]
            it = enumerate(ws.iter_rows(values_only=True), start=1)
            headers, header_row = _headers(it)
            last = ws.max_row or _count_rows(path, getattr(ws, "_worksheet_path", ""))
            estimated = max(0, last - header_row)
            yield Table(headers, header_row, _rows(it, len(headers)), estimated)
        finally:
            wb.close()
    else:
        encoding = detect_encoding(path)
        with open(path, "rb") as fb:
            lines = sum(chunk.count(b"\n") for chunk in iter(lambda: fb.read(1 << 20), b""))
        with open(path, encoding=encoding, newline="") as fh:
            reader = csv.reader(fh)
            lines_it = ((reader.line_num, row) for row in reader)
            headers, header_row = _headers(lines_it)
            yield Table(headers, header_row, _rows(lines_it, len(headers)), max(0, lines - header_row + 1))


def _count_rows(path: Path, member: str) -> int:
    """The row elements of a sheet that declares no used range (files written by streaming
    tools): streamed from the zip, never parsed, for the progress bar's total. The import
    guard has already bounded the sheet's size and rows."""
    from supervision.core.spreadsheets import ROW_TAG, TAG_TAIL

    if not member:
        return 0
    rows, tail = 0, b""
    with zipfile.ZipFile(path) as archive, archive.open(member.lstrip("/")) as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            data = tail + chunk
            cut = max(0, len(data) - TAG_TAIL)
            rows += sum(1 for m in ROW_TAG.finditer(data) if m.start() < cut)
            tail = data[cut:]
    return rows + len(ROW_TAG.findall(tail))


def _headers(it: Iterator[tuple[int, Any]]) -> tuple[list[str], int]:
    for number, values in it:
        cells = [cell_text(v) for v in values]
        if any(cells):
            while cells and not cells[-1]:
                cells.pop()
            return cells, number
    raise UnreadableFile("文件为空：没有找到表头行。")


def _rows(it: Iterator[tuple[int, Any]], width: int) -> Iterator[tuple[int, list[str]]]:
    for number, values in it:
        cells = [cell_text(v) for v in values[:width]]
        if not any(cells):
            continue  # blank lines are not data
        if len(cells) < width:
            cells.extend([""] * (width - len(cells)))
        yield number, cells


def read_headers(path: Path, filename: str = "") -> list[str]:
    with open_table(path, filename) as table:
        return table.headers
