"""Formula neutralisation for every spreadsheet and CSV the portal writes (OWASP "CSV
injection"): a text cell that a spreadsheet would take for a formula (``=HYPERLINK(…)``,
``+1+1``, ``-2+3+cmd|…``, ``@SUM(A1)``, or one starting with a tab or a line break) is written
with a leading ``'``, so Excel and WPS show it as text and never evaluate it. Numbers stay
numbers: ``-3`` (the int or the text) is a number, not a formula.

``xlsx_response`` (supervision/core/web.py) and every CSV download go through ``safe_cell``;
CSV writers use ``SafeDictWriter`` / ``safe_writer`` instead of the csv module's classes. JSON
downloads are machine-readable data and are not altered."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
# A plain number written as text ("-3", "+1.5", "-2e3"): no spreadsheet reads it as a formula.
NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
PASS_THROUGH = (bool, int, float, Decimal, dt.date, dt.datetime, dt.time, dt.timedelta)


def safe_cell(value: Any) -> Any:
    """The value to write into a spreadsheet or CSV cell: numbers, dates and ``None`` as they
    are; anything else as text, with a leading ``'`` when the text would start a formula."""
    if value is None or isinstance(value, PASS_THROUGH):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(text):
        return "'" + text
    return text


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(v) for v in values]


def safe_mapping(row: Mapping[str, Any]) -> dict[str, Any]:
    return {k: safe_cell(v) for k, v in row.items()}


class SafeDictWriter(csv.DictWriter):
    """``csv.DictWriter`` whose every cell (header included) goes through ``safe_cell``."""

    def writerow(self, rowdict: Mapping[str, Any]) -> Any:
        return super().writerow(safe_mapping(rowdict))

    def writerows(self, rowdicts: Iterable[Mapping[str, Any]]) -> None:
        for row in rowdicts:
            self.writerow(row)


class _SafeWriter:
    def __init__(self, writer: Any) -> None:
        self._writer = writer

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def safe_writer(f: Any, *args: Any, **kwargs: Any) -> Any:
    """``csv.writer`` whose every cell goes through ``safe_cell``."""
    return _SafeWriter(csv.writer(f, *args, **kwargs))
