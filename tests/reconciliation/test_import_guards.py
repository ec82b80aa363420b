"""Import guards of registration lists (issue 13).

Measured before: a 1 MB xlsx padded with 1 GiB of whitespace was accepted (54.6 s, the server
grew from 104 MB to 2,188 MB), and a 50 MB CSV of 1.28 million rows held one request for 581 s
because in the embedded default Celery runs tasks inside the request. Now the size, inflated
size and row limits (``supervision.core.spreadsheets``) are checked before any reader opens the
file, refused in Chinese on the form and as 400 in the API, and the check and the import run in
the background while the run page shows rows read / total."""

from __future__ import annotations

import threading
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files import File

from institutions.reconciliation import parsers, services
from institutions.reconciliation.models import ReconciliationRun, RunStatus
from supervision.core import background, spreadsheets
from supervision.files.models import StoredFile
from tests.institutions.factories import credit_code
from tests.reconciliation.conftest import upload, write_csv, write_xlsx

MB = 1024 * 1024
HEADERS = ["统一社会信用代码", "企业名称", "住所", "所属乡镇", "是否开展养老服务"]


def _rows(n: int, offset: int = 6000) -> list[list[str]]:
    return [
        [credit_code(offset + i), f"阳谷县康{offset + i}养老院", "振兴路", "博济桥街道", "是"]
        for i in range(n)
    ]


@pytest.fixture(scope="module")
def padded_xlsx(tmp_path_factory) -> Path:
    """The reported file: a real two-row list whose sheet XML carries 1 GiB of spaces, about
    1 MB on disk. Written in chunks, so the test never holds the inflated text."""
    plain = write_xlsx(tmp_path_factory.mktemp("bomb") / "plain.xlsx", HEADERS, _rows(2))
    target = plain.with_name("登记名单.xlsx")
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename != "xl/worksheets/sheet1.xml":
                dst.writestr(item, data)
                continue
            info = zipfile.ZipInfo(item.filename)
            info.compress_type = zipfile.ZIP_DEFLATED
            head, rest = data.split(b"<sheetData>", 1)
            with dst.open(info, "w", force_zip64=True) as member:
                member.write(head + b"<sheetData>")
                block = b" " * MB
                for _ in range(1024):
                    member.write(block)
                member.write(rest)
    assert target.stat().st_size < 2 * MB
    return target


@pytest.fixture
def no_reader(monkeypatch):
    """Fail the test if openpyxl or the list parser is asked to open the file."""

    def refuse(*args, **kwargs):
        raise AssertionError("the file was opened by a reader before the guard refused it")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)
    monkeypatch.setattr(parsers, "open_table", refuse)
    monkeypatch.setattr(services.runs, "read_headers", refuse)


@pytest.mark.django_db
def test_a_padded_xlsx_is_refused_before_openpyxl_reads_it(world, market_source, padded_xlsx, no_reader):
    started = time.monotonic()
    with pytest.raises(ValidationError, match="解压后过大"), open(padded_xlsx, "rb") as fh:
        upload_file = File(fh, name=padded_xlsx.name)
        services.run_create(actor=world.yanggu_mz, source=market_source, upload=upload_file, coverage="full")
    assert time.monotonic() - started < 5  # was 54.6 s
    assert not ReconciliationRun.objects.exists() and not StoredFile.objects.exists()


@pytest.mark.django_db
def test_a_padded_xlsx_is_refused_in_chinese_on_the_form_and_by_the_api(
    world, market_source, padded_xlsx, no_reader, client_for, api_for
):
    with open(padded_xlsx, "rb") as fh:
        page = client_for(world.yanggu_mz).post(
            "/institutions/reconciliation/upload/",
            {"source": market_source.pk, "coverage": "full", "file": fh},
        )
    assert page.status_code == 200 and "Excel 文件解压后过大" in page.content.decode()
    with open(padded_xlsx, "rb") as fh:
        r = api_for(world.yanggu_mz).post(
            "/api/v1/reconciliation-runs/",
            {"file": fh, "source": market_source.pk, "coverage": "full"},
            format="multipart",
        )
    assert r.status_code == 400 and "解压后过大" in r.json()["non_field_errors"][0]
    assert not ReconciliationRun.objects.exists() and not StoredFile.objects.exists()


@pytest.mark.django_db
def test_a_csv_over_the_row_limit_is_refused_before_it_is_parsed(
    world, market_source, tmp_path, no_reader, api_for, client_for
):
    """At the shipped limits: one data row more than ``IMPORT_MAX_ROWS``."""
    limit = spreadsheets.limits()[2]
    path = tmp_path / "long.csv"
    body = "".join(f"91371521MA{i:08d},阳谷县第{i}养老院\n" for i in range(limit + 1))
    path.write_bytes(("统一社会信用代码,企业名称\n" + body).encode("utf-8"))
    started = time.monotonic()
    with open(path, "rb") as fh:
        r = api_for(world.yanggu_mz).post(
            "/api/v1/reconciliation-runs/",
            {"file": fh, "source": market_source.pk, "coverage": "full"},
            format="multipart",
        )
    assert r.status_code == 400 and "数据行数过多" in r.json()["non_field_errors"][0]
    assert f"{limit:,}" in r.json()["non_field_errors"][0]
    assert time.monotonic() - started < 20
    with open(path, "rb") as fh:
        page = client_for(world.yanggu_mz).post(
            "/institutions/reconciliation/upload/",
            {"source": market_source.pk, "coverage": "full", "file": fh},
        )
    assert "数据行数过多" in page.content.decode()
    assert not ReconciliationRun.objects.exists() and not StoredFile.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_list_of_exactly_the_row_limit_is_accepted_in_either_format(
    world, market_source, tmp_path, settings, kind
):
    """The header is not a data row, in an xlsx as in a csv (the guard counted it in an xlsx)."""
    settings.IMPORT_MAX_ROWS = 20
    write = write_csv if kind == "csv" else write_xlsx
    run = upload(world.yanggu_mz, write(tmp_path / f"l.{kind}", HEADERS, _rows(20)), market_source)
    assert run.headers == HEADERS
    with pytest.raises(ValidationError, match="数据行数过多"):
        upload(world.yanggu_mz, write(tmp_path / f"m.{kind}", HEADERS, _rows(21, 6100)), market_source)


# --- the work runs in the background ---------------------------------------------------------


@pytest.mark.django_db
def test_with_inline_background_work_the_api_upload_is_staged_after_the_commit(
    world, market_source, tmp_path, api_for, django_capture_on_commit_callbacks
):
    """The synchronous path (``BACKGROUND_TASKS_INLINE``, as every test here): deterministic."""
    path = write_xlsx(tmp_path / "l.xlsx", HEADERS, _rows(5))
    with open(path, "rb") as fh, django_capture_on_commit_callbacks(execute=True):
        r = api_for(world.yanggu_mz).post(
            "/api/v1/reconciliation-runs/",
            {"file": fh, "source": market_source.pk, "coverage": "incremental"},
            format="multipart",
        )
    assert r.status_code == 201 and r.json()["status"] == "queued"  # the answer came before the work
    run = ReconciliationRun.objects.get(pk=r.json()["id"])
    assert run.status == RunStatus.PREVIEW and (run.processed_rows, run.total_rows) == (5, 5)


@pytest.fixture
def paused_staging(monkeypatch, settings):
    """Background work on a real thread (the embedded default), staging 2 rows a chunk and
    pausing after the first chunk until the test releases it."""
    settings.BACKGROUND_TASKS_INLINE = False
    monkeypatch.setattr(services.phase1, "CHUNK", 2)
    reached, release = threading.Event(), threading.Event()
    build_row = services.Stager.build_row

    def pausing(self, number, cells, index):
        if number == 4:  # the first row of the second chunk: the first one is written
            reached.set()
            assert release.wait(30), "the test never released the import"
        return build_row(self, number, cells, index)

    monkeypatch.setattr(services.Stager, "build_row", pausing)
    yield reached, release
    release.set()
    background.wait(30)


@pytest.mark.django_db(transaction=True)
def test_an_upload_returns_before_the_import_and_the_run_page_shows_its_progress(
    world, market_source, tmp_path, api_for, client_for, paused_staging
):
    reached, release = paused_staging
    path = write_xlsx(tmp_path / "l.xlsx", HEADERS, _rows(6))
    api = api_for(world.yanggu_mz)
    with open(path, "rb") as fh:
        r = api.post(
            "/api/v1/reconciliation-runs/",
            {"file": fh, "source": market_source.pk, "coverage": "incremental"},
            format="multipart",
        )
    # The request has answered while the import is still held mid-file by the test.
    assert r.status_code == 201, r.content
    assert not release.is_set() and r.json()["status"] in ("queued", "validating")
    assert reached.wait(30), "the import never started in the background"
    run_id = r.json()["id"]
    progress = api.get(f"/api/v1/reconciliation-runs/{run_id}/progress/").json()
    assert progress["status"] == "validating" and not progress["done"]
    assert (progress["processed_rows"], progress["total_rows"]) == (2, 6)
    page = client_for(world.yanggu_mz).get(f"/institutions/reconciliation/runs/{run_id}/progress/")
    html = page.content.decode()
    assert "2 / 6 行" in html and 'hx-trigger="every 1s"' in html
    release.set()
    assert background.wait(30)
    progress = api.get(f"/api/v1/reconciliation-runs/{run_id}/progress/").json()
    assert progress["status"] == "preview" and (progress["processed_rows"], progress["total_rows"]) == (6, 6)
