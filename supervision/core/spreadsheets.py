"""The one guard in front of every spreadsheet import: refuse a file before any reader opens it.

openpyxl inflates an xlsx member by member, so a 1 MB upload whose shared strings or sheet XML
hold hundreds of megabytes of spaces (a "zip bomb") costs that much CPU and memory once read,
and a sheet of millions of rows keeps an import busy for hours. ``check_import_file`` looks only
at the zip directory and at the sheets' row tags (streamed, never held in memory) and raises a
``ValidationError`` with a Chinese message when

- the file is larger than ``IMPORT_MAX_BYTES`` (default 50 MB, the file store's spreadsheet limit);
- an xlsx inflates to more than ``IMPORT_MAX_UNCOMPRESSED_BYTES`` (sum of the zip members'
  sizes, default 200 MB) — checked before anything is inflated;
- a sheet (by its ``<dimension>`` and by its actual ``<row>`` elements) or a CSV (by its lines,
  then by its parsed records) has more than ``IMPORT_MAX_ROWS`` rows (default 200,000).

Call it first, on the stored upload, e.g. ``check_import_file(path, filename)`` in the import
service before ``parsers.open_table``; a form's ``clean_file`` may call it on the
``UploadedFile`` too."""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
DEFAULT_MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
DEFAULT_MAX_ROWS = 200_000
CHUNK = 1 << 20

# ``<dimension ref="A1:K2001"/>`` (any namespace prefix): the last row of the used range.
DIMENSION = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?dimension\s+ref="[A-Z]*\d*:?[A-Z]*(\d+)"')
# ``<row …>`` / ``<x:row …>``, not ``<rowBreaks>`` and not ``</row>``.
ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")
TAG_TAIL = 64  # bytes kept between chunks so a tag split across two chunks is still seen


def limits() -> tuple[int, int, int]:
    """(max bytes, max uncompressed bytes, max rows) from the settings, with the defaults."""
    return (
        int(getattr(settings, "IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)),
        int(getattr(settings, "IMPORT_MAX_UNCOMPRESSED_BYTES", DEFAULT_MAX_UNCOMPRESSED_BYTES)),
        int(getattr(settings, "IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS)),
    )


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}"


def _refuse(message: str, code: str, **params: Any) -> ValidationError:
    return ValidationError(message % params, code=code)


@contextmanager
def _binary(source: str | os.PathLike[str] | IO[bytes] | Any) -> Iterator[IO[bytes]]:
    """A binary file object positioned at 0 (a path, an UploadedFile or any file object);
    an object we did not open is rewound afterwards for the reader that follows."""
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as fh:
            yield fh
        return
    wrapped: IO[bytes] = getattr(source, "file", None) or source  # an UploadedFile wraps the file
    start = wrapped.tell()
    wrapped.seek(0)
    try:
        yield wrapped
    finally:
        wrapped.seek(start)


def _size(fh: IO[bytes]) -> int:
    fh.seek(0, io.SEEK_END)
    size = fh.tell()
    fh.seek(0)
    return size


def _kind(filename: str) -> str:
    name = filename.lower()
    if name.endswith(".csv"):
        return "csv"
    if name.endswith((".xlsx", ".xlsm")):
        return "xlsx"
    raise _refuse(_("仅支持 .xlsx 或 .csv 文件。"), "file_type")


def check_import_file(source: Any, filename: str = "") -> None:
    """Refuse an import file that is too large, inflates too far or has too many rows (see the
    module docstring); return silently when it may be read. ``source`` is a path or a binary
    file object (e.g. an ``UploadedFile``); ``filename`` decides the kind (.xlsx/.xlsm/.csv),
    defaulting to the path's or the upload's name."""
    name = filename or getattr(source, "name", "") or str(source)
    kind = _kind(name)
    max_bytes, max_uncompressed, max_rows = limits()
    with _binary(source) as fh:
        size = _size(fh)
        if size > max_bytes:
            raise _refuse(
                _("文件过大（%(size)s MB），导入文件不能超过 %(limit)s MB。请拆分后分批导入。"),
                "too_large",
                size=_mb(size),
                limit=_mb(max_bytes),
            )
        if kind == "xlsx":
            _check_xlsx(fh, max_uncompressed, max_rows)
        else:
            _check_csv(fh, max_rows)


def _too_many_rows(rows: int, limit: int) -> ValidationError:
    return _refuse(
        _("数据行数过多（至少 %(rows)s 行），每次导入不能超过 %(limit)s 行。请拆分后分批导入。"),
        "too_many_rows",
        rows=f"{rows:,}",
        limit=f"{limit:,}",
    )


def _check_xlsx(fh: IO[bytes], max_uncompressed: int, max_rows: int) -> None:
    try:
        archive = zipfile.ZipFile(fh)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _refuse(_("无法读取 Excel 文件，请确认为 .xlsx 格式。"), "unreadable") from exc
    with archive:
        members = archive.infolist()
        inflated = sum(m.file_size for m in members)
        if inflated > max_uncompressed:
            raise _refuse(
                _(
                    "Excel 文件解压后过大（%(size)s MB，上限 %(limit)s MB），"
                    "可能含有大量空白内容。请另存为新文件或拆分后再导入。"
                ),
                "too_large_uncompressed",
                size=_mb(inflated),
                limit=_mb(max_uncompressed),
            )
        sheets = [
            m for m in members if m.filename.startswith("xl/worksheets/") and m.filename.endswith(".xml")
        ]
        for sheet in sheets:
            _check_sheet(archive, sheet, max_rows)


def _check_sheet(archive: zipfile.ZipFile, sheet: zipfile.ZipInfo, max_rows: int) -> None:
    """The declared used range first (cheap), then the actual row elements: a crafted file
    may declare ``A1:A1`` and hold a million rows. The first row is the header, as in a CSV:
    ``max_rows`` data rows are allowed in either format."""
    max_rows += 1  # + the header row
    rows = 0
    tail = b""
    declared_checked = False
    try:
        with archive.open(sheet) as stream:
            for chunk in iter(lambda: stream.read(CHUNK), b""):
                data = tail + chunk
                if not declared_checked:
                    found = DIMENSION.search(data)
                    if found is not None:
                        declared_checked = True
                        if int(found.group(1)) > max_rows:
                            raise _too_many_rows(int(found.group(1)) - 1, max_rows - 1)
                    elif b"<sheetData" in data:
                        declared_checked = True  # the dimension comes before the data or not at all
                # count tags that end before the kept tail, so none is counted twice
                cut = max(0, len(data) - TAG_TAIL)
                rows += sum(1 for m in ROW_TAG.finditer(data) if m.start() < cut)
                tail = data[cut:]
                if rows > max_rows:
                    raise _too_many_rows(rows - 1, max_rows - 1)
            rows += len(ROW_TAG.findall(tail))
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
        raise _refuse(_("无法读取 Excel 文件，请确认为 .xlsx 格式。"), "unreadable") from exc
    if rows > max_rows:
        raise _too_many_rows(rows - 1, max_rows - 1)


def _check_csv(fh: IO[bytes], max_rows: int) -> None:
    """Lines are an upper bound of the records (a quoted cell may span lines): only when the
    lines exceed the limit are the records counted exactly."""
    lines = 0
    for chunk in iter(lambda: fh.read(CHUNK), b""):
        lines += chunk.count(b"\n")
    fh.seek(0)
    if lines <= max_rows:  # the header line is not a data row; a last line may lack "\n"
        return
    head = fh.read(256 * 1024)
    fh.seek(0)
    try:
        codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False)
        encoding = "utf-8-sig"
    except UnicodeDecodeError:
        encoding = "gb18030"
    text = io.TextIOWrapper(fh, encoding=encoding, errors="replace", newline="")
    try:
        for records, _row in enumerate(csv.reader(text), start=1):
            if records > max_rows + 1:  # + the header
                raise _too_many_rows(records - 1, max_rows)
    except csv.Error:
        return  # unparseable rows are the reader's to report, line by line
    finally:
        text.detach()


def check_import_path(path: Path, filename: str = "") -> None:
    """``check_import_file`` for a stored file (the name decides the kind when given)."""
    check_import_file(path, filename or path.name)
