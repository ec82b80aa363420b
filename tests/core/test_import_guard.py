"""The import guard refuses a spreadsheet before any reader opens it: too large, inflating too
far (a zip bomb of whitespace), or too many rows (declared or actual), with Chinese messages."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from supervision.core.spreadsheets import check_import_file

MB = 1024 * 1024


def workbook_bytes(rows: int = 3) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["统一社会信用代码", "名称"])
    for i in range(rows):
        ws.append([f"91371521MA{i:08d}", f"阳谷县第{i}养老院"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def rebuilt(
    original: bytes, replace: dict[str, bytes] | None = None, pad: tuple[str, int] | None = None
) -> bytes:
    """A copy of an xlsx with members replaced, or one member padded with ``n`` spaces
    (written in chunks, so the test never holds the inflated text)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(original)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = (replace or {}).get(item.filename, src.read(item.filename))
            if pad and item.filename == pad[0]:
                info = zipfile.ZipInfo(item.filename)
                info.compress_type = zipfile.ZIP_DEFLATED
                with dst.open(info, "w", force_zip64=True) as member:
                    head, close = data.rsplit(b"</", 1)
                    member.write(head)
                    block = b" " * MB
                    for _ in range(pad[1] // MB):
                        member.write(block)
                    member.write(b"</" + close)
            else:
                dst.writestr(item, data)
    return out.getvalue()


def sheet_xml(rows: int, dimension: str) -> bytes:
    body = "".join(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>x</t></is></c></row>' for n in range(1, rows + 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dimension}"/><sheetData>{body}</sheetData></worksheet>'
    ).encode()


def refusal(source, filename: str = "") -> str:
    with pytest.raises(ValidationError) as caught:
        check_import_file(source, filename)
    return " ".join(caught.value.messages)


@pytest.fixture
def small_limits(settings):
    settings.IMPORT_MAX_BYTES = 2 * MB
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 16 * MB
    settings.IMPORT_MAX_ROWS = 100
    return settings


def test_a_whitespace_zip_bomb_is_refused_before_anything_is_inflated(small_limits, monkeypatch, tmp_path):
    bomb = rebuilt(workbook_bytes(), pad=("xl/worksheets/sheet1.xml", 40 * MB))
    assert len(bomb) < 1 * MB  # 40 MB of spaces deflate to a few dozen kilobytes
    path: Path = tmp_path / "bomb.xlsx"
    path.write_bytes(bomb)
    opened: list[str] = []
    real_open = zipfile.ZipFile.open

    def spy(self, name, *args, **kwargs):
        opened.append(getattr(name, "filename", name))
        return real_open(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    message = refusal(path)
    assert "解压后过大" in message and "16.0 MB" in message
    assert opened == []  # judged from the zip directory alone: no member was inflated


def test_the_default_limits_refuse_a_one_megabyte_bomb_of_300_megabytes(settings, tmp_path):
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 200 * MB  # the default
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(rebuilt(workbook_bytes(), pad=("xl/worksheets/sheet1.xml", 300 * MB)))
    assert path.stat().st_size < 1 * MB
    assert "解压后过大" in refusal(path)


def test_an_upload_larger_than_the_limit_is_refused(small_limits):
    upload = SimpleUploadedFile("名单.csv", b"a,b\n" + b"x" * (3 * MB))
    assert "文件过大" in refusal(upload)


def test_a_sheet_declaring_too_many_rows_is_refused(small_limits):
    data = rebuilt(workbook_bytes(), replace={"xl/worksheets/sheet1.xml": sheet_xml(3, "A1:B500")})
    assert "数据行数过多" in refusal(io.BytesIO(data), "名单.xlsx")


def test_a_sheet_hiding_its_rows_behind_a_small_dimension_is_refused(small_limits):
    data = rebuilt(workbook_bytes(), replace={"xl/worksheets/sheet1.xml": sheet_xml(150, "A1")})
    message = refusal(io.BytesIO(data), "名单.xlsx")
    assert "数据行数过多" in message and "100" in message


def test_a_csv_with_too_many_records_is_refused_but_long_cells_are_not(small_limits):
    too_many = "代码,名称\n" + "".join(f"{i},养老院{i}\n" for i in range(101))
    assert "数据行数过多" in refusal(SimpleUploadedFile("名单.csv", too_many.encode()))
    # 60 records whose quoted cells span three lines each: 180 lines, but 60 rows
    multiline = "代码,地址\n" + "".join(f'{i},"第一行\n第二行\n第三行"\n' for i in range(60))
    check_import_file(SimpleUploadedFile("名单.csv", multiline.encode("gb18030")))


def test_a_file_that_is_not_a_workbook_is_refused(small_limits):
    assert "无法读取 Excel 文件" in refusal(io.BytesIO(b"not a zip"), "名单.xlsx")
    assert "仅支持" in refusal(io.BytesIO(b""), "名单.pdf")


def test_an_ordinary_workbook_passes_and_is_left_ready_to_read(small_limits):
    upload = SimpleUploadedFile("名单.xlsx", workbook_bytes(rows=99))
    upload.read(10)  # wherever the caller left it, the guard puts it back
    check_import_file(upload)
    assert upload.tell() == 10
    upload.seek(0)
    sheet = load_workbook(upload, read_only=True).active
    assert sum(1 for _ in sheet.iter_rows()) == 100
