"""No half-import, scoping of runs and the township worklist (pages, export, API) for the
personas, verification flowing back to the county, the API upload and the progress poll."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from institutions.models import Institution, InstitutionStatus
from institutions.reconciliation import services
from institutions.reconciliation.models import ReconciliationRow, RunStatus, WorkItem
from tests.institutions.factories import InstitutionFactory, credit_code
from tests.reconciliation.conftest import start, upload, write_xlsx

HEADERS = ["统一社会信用代码", "企业名称", "住所", "所属乡镇", "是否开展养老服务"]


def small_file(tmp_path, name="list.xlsx"):
    rows = [
        [credit_code(7001), "阳谷县博济桥福乐养老院", "振兴路 1 号", "博济桥街道", "是"],
        [credit_code(7002), "阳谷县侨润康乐养老院", "侨润路 2 号", "侨润街道", "是"],
        [
            credit_code(7003)[:-1] + "0" if credit_code(7003)[-1] != "0" else credit_code(7003)[:-1] + "1",
            "错码养老院",
            "路",
            "博济桥街道",
            "是",
        ],
    ]
    return write_xlsx(tmp_path / name, HEADERS, rows)


@pytest.fixture
def done_run(world, town2, market_source, tmp_path, django_capture_on_commit_callbacks):
    run = upload(world.yanggu_mz, small_file(tmp_path), market_source)
    run = start(run, world.yanggu_mz, None, django_capture_on_commit_callbacks)
    assert run.status == RunStatus.DONE, run.failure
    return run


def test_failure_mid_apply_writes_nothing(
    world, town2, market_source, tmp_path, monkeypatch, django_capture_on_commit_callbacks, client_for
):
    before = Institution.objects.count()

    def boom(run):
        raise RuntimeError("simulated failure while creating work items")

    monkeypatch.setattr(services.phase2, "_create_work_items", boom)
    run = upload(world.yanggu_mz, small_file(tmp_path), market_source)
    with pytest.raises(RuntimeError):
        start(run, world.yanggu_mz, None, django_capture_on_commit_callbacks)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and "simulated failure" in run.failure
    # The institutions created earlier in the same apply were rolled back with it.
    assert Institution.objects.count() == before
    assert not WorkItem.objects.exists()
    assert not ReconciliationRow.objects.filter(run=run).exclude(institution=None).exists()
    page = client_for(world.yanggu_mz).get(f"/institutions/reconciliation/runs/{run.pk}/")
    assert "导入失败，未写入任何机构或核查任务" in page.content.decode()


def test_a_redelivered_task_changes_nothing(done_run):
    rows, items = ReconciliationRow.objects.count(), WorkItem.objects.count()
    services.run_process(done_run.pk)
    assert (ReconciliationRow.objects.count(), WorkItem.objects.count()) == (rows, items)


def test_run_pages_are_scoped(world, done_run, client_for):
    url = f"/institutions/reconciliation/runs/{done_run.pk}/"
    assert client_for(world.yanggu_mz).get(url).status_code == 200
    for user in (world.dongchangfu_mz, world.yanggu_xf, world.outsider):
        c = client_for(user)
        assert c.get(url).status_code == 404
        assert c.get(url + "errors.xlsx").status_code == 404
        assert c.get(url + "rows/").status_code == 404
        assert c.get(url + "progress/").status_code == 404
        assert done_run.original_filename not in c.get("/institutions/reconciliation/").content.decode()


def test_error_list_on_the_run_page(world, done_run, client_for):
    html = (
        client_for(world.yanggu_mz).get(f"/institutions/reconciliation/runs/{done_run.pk}/").content.decode()
    )
    assert "第 18 位校验码错误" in html
    assert "下载错误报告" in html


def test_only_civil_affairs_uploads(world, client_for):
    assert client_for(world.yanggu_xf).get("/institutions/reconciliation/upload/").status_code == 403
    assert client_for(world.outsider).get("/institutions/reconciliation/upload/").status_code == 403
    assert client_for(world.yanggu_mz).get("/institutions/reconciliation/upload/").status_code == 200


def test_upload_page_flow(world, town2, tmp_path, client_for, django_capture_on_commit_callbacks):
    c = client_for(world.yanggu_mz)
    with open(small_file(tmp_path), "rb") as fh:
        r = c.post(
            "/institutions/reconciliation/upload/",
            {"new_source_name": "市场监管名单", "authority": "market", "coverage": "incremental", "file": fh},
        )
    assert r.status_code == 302 and r["Location"].endswith("/mapping/")
    page = c.get(r["Location"]).content.decode()
    assert "企业名称" in page and "确认列映射" in page and "增量" in page
    data = {
        "credit_code": "统一社会信用代码",
        "name": "企业名称",
        "region": "所属乡镇",
        "operating": "是否开展养老服务",
    }
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(r["Location"], data)
    assert r.status_code == 302
    run_url = r["Location"]
    html = c.get(run_url).content.decode()
    assert "预览：尚未导入" in html and 'data-testid="count-registered_not_filed">2<' in html
    assert not WorkItem.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(run_url + "confirm/")
    assert r.status_code == 302
    html = c.get(run_url).content.decode()
    assert "已完成" in html and 'data-testid="count-registered_not_filed">2<' in html
    assert WorkItem.objects.count() == 2


def test_mapping_without_required_columns_is_refused(world, market_source, tmp_path, client_for):
    run = upload(world.yanggu_mz, small_file(tmp_path), market_source)
    r = client_for(world.yanggu_mz).post(
        f"/institutions/reconciliation/runs/{run.pk}/mapping/", {"name": "企业名称"}
    )
    assert r.status_code == 200 and "请指定“统一社会信用代码”对应的列。" in r.content.decode()
    run.refresh_from_db()
    assert run.status == RunStatus.MAPPING


def test_worklist_scoped_to_township_and_visible_to_county(
    world, town2, done_run, town_mz, town2_mz, client_for
):
    items = WorkItem.objects.filter(run=done_run)
    mine = items.get(region=world.yanggu_town)
    theirs = items.get(region=town2)
    c = client_for(town_mz)
    html = c.get("/institutions/reconciliation/items/").content.decode()
    assert mine.name in html and theirs.name not in html
    assert c.get(f"/institutions/reconciliation/items/{theirs.pk}/").status_code == 404
    # Export carries only the township's own items.
    xlsx = c.get("/institutions/reconciliation/items/?export=xlsx")
    names = {
        r[0]
        for r in load_workbook(io.BytesIO(xlsx.content), read_only=True)
        .worksheets[0]
        .iter_rows(values_only=True)
    }
    assert mine.name in names and theirs.name not in names
    # The township verifies; the county sees the result.
    r = c.post(
        f"/institutions/reconciliation/items/{mine.pk}/",
        {"result": "not_operating", "notes": "现场无老人入住"},
    )
    assert r.status_code == 302
    county = client_for(world.yanggu_mz)
    html = county.get("/institutions/reconciliation/items/?done=true").content.decode()
    assert mine.name in html and theirs.name not in html
    assert "现场无老人入住" in county.get(f"/institutions/reconciliation/items/{mine.pk}/").content.decode()
    # The registry learnt it through its own transition service.
    assert (
        Institution.objects.get(pk=mine.institution_id).status == InstitutionStatus.REGISTERED_NOT_OPERATING
    )
    for user in (world.dongchangfu_mz, world.yanggu_xf, world.outsider):
        o = client_for(user)
        assert o.get(f"/institutions/reconciliation/items/{mine.pk}/").status_code == 404
        assert mine.name not in o.get("/institutions/reconciliation/items/").content.decode()
        assert (
            o.post(f"/institutions/reconciliation/items/{mine.pk}/", {"result": "closed"}).status_code == 404
        )


def test_worklist_api_is_scoped_and_records_verification(world, town2, done_run, town_mz, api_for):
    mine = WorkItem.objects.get(run=done_run, region=world.yanggu_town)
    theirs = WorkItem.objects.get(run=done_run, region=town2)
    base = "/api/v1/reconciliation-items/"
    assert {i["id"] for i in api_for(town_mz).get(base).json()["results"]} == {mine.pk}
    assert {i["id"] for i in api_for(world.yanggu_mz).get(base).json()["results"]} == {mine.pk, theirs.pk}
    for user in (world.dongchangfu_mz, world.yanggu_xf, world.outsider):
        api = api_for(user)
        assert api.get(base).json()["results"] == []
        assert api.get(f"{base}{mine.pk}/").status_code == 404
        assert api.post(f"{base}{mine.pk}/verify/", {"result": "closed"}).status_code == 404
    assert api_for(town_mz).get(f"{base}{theirs.pk}/").status_code == 404
    r = api_for(town_mz).post(
        f"{base}{mine.pk}/verify/", {"result": "operating_fileable", "notes": "已督促备案"}
    )
    assert r.status_code == 200 and r.json()["result_display"] == "实际开展养老服务，符合备案条件"
    seen = api_for(world.yanggu_mz).get(f"{base}{mine.pk}/").json()
    assert seen["notes"] == "已督促备案" and seen["verified_by"]
    assert api_for(town_mz).post(f"{base}{mine.pk}/verify/", {"result": "nonsense"}).status_code == 400


def test_runs_api_upload_progress_and_scope(
    world, town2, tmp_path, api_for, django_capture_on_commit_callbacks
):
    api = api_for(world.yanggu_mz)
    with open(small_file(tmp_path), "rb") as fh, django_capture_on_commit_callbacks(execute=True):
        r = api.post(
            "/api/v1/reconciliation-runs/",
            {"file": fh, "source_name": "市场监管名单", "authority": "market", "coverage": "incremental"},
            format="multipart",
        )
    assert r.status_code == 201, r.content
    run_id = r.json()["id"]
    assert r.json()["coverage"] == "incremental"
    preview = api.get(f"/api/v1/reconciliation-runs/{run_id}/preview/").json()
    assert preview["status"] == "preview" and preview["file_total"] == 3
    assert not WorkItem.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        r = api.post(f"/api/v1/reconciliation-runs/{run_id}/confirm/")
    assert r.status_code == 200, r.content
    progress = api.get(f"/api/v1/reconciliation-runs/{run_id}/progress/").json()
    assert progress == {"status": "done", "processed_rows": 3, "total_rows": 3, "percent": 100, "done": True}
    detail = api.get(f"/api/v1/reconciliation-runs/{run_id}/").json()
    assert detail["error_rows"] == 1 and detail["counts"]["registered_not_filed"] == 2
    for user in (world.dongchangfu_mz, world.yanggu_xf, world.outsider):
        assert api_for(user).get(f"/api/v1/reconciliation-runs/{run_id}/").status_code == 404
        assert api_for(user).get("/api/v1/reconciliation-runs/").json()["results"] == []
    with open(small_file(tmp_path, "b.xlsx"), "rb") as fh:
        r = api_for(world.yanggu_xf).post(
            "/api/v1/reconciliation-runs/",
            {"file": fh, "source_name": "x", "authority": "market", "coverage": "full"},
            format="multipart",
        )
    assert r.status_code == 403


def test_api_upload_without_recognisable_columns_waits_for_mapping(world, tmp_path, api_for):
    path = write_xlsx(tmp_path / "odd.xlsx", ["甲", "乙"], [["1", "2"]])
    with open(path, "rb") as fh:
        r = api_for(world.yanggu_mz).post(
            "/api/v1/reconciliation-runs/",
            {"file": fh, "source_name": "怪表", "authority": "market", "coverage": "full"},
            format="multipart",
        )
    assert r.status_code == 201 and r.json()["status"] == "mapping" and r.json()["headers"] == ["甲", "乙"]


def test_progress_poll_reloads_when_finished(world, done_run, client_for):
    c = client_for(world.yanggu_mz)
    r = c.get(f"/institutions/reconciliation/runs/{done_run.pk}/progress/?was=running")
    assert r["HX-Refresh"] == "true" and "100%" in r.content.decode()
    done_run.status = RunStatus.VALIDATING
    done_run.total_rows, done_run.processed_rows = 10, 4
    done_run.save()
    r = c.get(f"/institutions/reconciliation/runs/{done_run.pk}/progress/")
    html = r.content.decode()
    assert 'hx-trigger="every 1s"' in html and "40%" in html and "HX-Refresh" not in r


def test_review_reject_creates_the_registration_and_flags_the_candidate(
    world, town2, market_source, tmp_path, django_capture_on_commit_callbacks, client_for
):
    InstitutionFactory(
        credit_code=None,
        status="unregistered",
        name="阳谷县松鹤养老院",
        region=world.yanggu_town,
        address="振兴路 3 号",
        registration_authority="none",
    )
    path = write_xlsx(
        tmp_path / "r.xlsx",
        HEADERS,
        [[credit_code(7100), "阳谷县松鹤堂养老院", "振兴路 3 号", "博济桥街道", "是"]],
    )
    run = start(
        upload(world.yanggu_mz, path, market_source, coverage="full"),
        world.yanggu_mz,
        None,
        django_capture_on_commit_callbacks,
    )
    row = ReconciliationRow.objects.get(run=run, row_number=2)
    assert row.review == "pending"
    assert (
        client_for(world.dongchangfu_mz)
        .post(f"/institutions/reconciliation/rows/{row.pk}/review/", {"decision": "reject"})
        .status_code
        == 404
    )
    r = client_for(world.yanggu_mz).post(
        f"/institutions/reconciliation/rows/{row.pk}/review/", {"decision": "reject"}
    )
    assert r.status_code == 302
    row.refresh_from_db()
    assert row.review == "rejected" and row.institution.credit_code == credit_code(7100)
    assert WorkItem.objects.filter(row=row, action="urge_filing").exists()
    # The complete list does not name the candidate after all: it joins the run's own bucket
    # (名录外待核), never taken for an unregistered operator.
    flagged = ReconciliationRow.objects.get(
        run=run, classification="registry_absent", name="阳谷县松鹤养老院"
    )
    assert WorkItem.objects.filter(row=flagged, action="review_absent").exists()
    assert not WorkItem.objects.filter(action="onsite_check").exists()
