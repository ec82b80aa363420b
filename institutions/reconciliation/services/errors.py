"""The error report of a run: each malformed row by row and column."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..models import (
    Classification,
    ReconciliationRow,
    ReconciliationRun,
)
from .common import CHUNK

# --- error report ----------------------------------------------------------------------------

ERROR_REPORT_HEADERS = ["行号", "列", "错误原因", "统一社会信用代码", "名称"]


def error_report_rows(run: ReconciliationRun) -> Iterator[list[Any]]:
    """One line per error (a row can have several), in file order."""
    qs = (
        ReconciliationRow.objects.filter(run=run, classification=Classification.ERROR)
        .order_by("row_number")
        .values_list("row_number", "errors", "credit_code", "name")
    )
    for number, errors, code, name in qs.iterator(chunk_size=CHUNK):
        for e in errors:
            yield [number, e.get("column", ""), e.get("reason", ""), code, name]
