"""A partial registration list accuses nobody (issue 12, item 4).

A 4-row list once produced 已备案 2, 未登记 8, 错误 2 — twelve results for four rows: every
filed institution it left out (one filed minutes earlier) became a "现场核查（未登记开展服务）"
task, twice after a re-import, and a new registration whose address names its township (寿张镇)
was refused for lacking one. Now: the upload says whether the list is complete (全量) or
incremental (增量); only a complete list yields "in the registry, not in the list" items, in
their own bucket (名录外待核); the run stops at a preview whose classes add up to the file's rows;
the township is read from the address when the list gives none (and the row is marked); and
one open work item per institution and kind survives any number of re-imports."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from institutions import services as registry
from institutions.models import Institution, InstitutionStatus
from institutions.reconciliation import services
from institutions.reconciliation.models import (
    Classification,
    ReconciliationRow,
    ReconciliationRun,
    RunStatus,
    WorkAction,
    WorkItem,
)
from tests.factories import RegionFactory
from tests.institutions.factories import InstitutionFactory, credit_code
from tests.reconciliation.conftest import confirm_import, start, upload, write_xlsx

pytestmark = pytest.mark.django_db

# No township column: the list of the bug report.
HEADERS = ["统一社会信用代码", "企业名称", "住所", "是否开展养老服务"]
NEW_CODE = credit_code(8801)


@pytest.fixture
def shouzhang(world):
    """寿张镇 under 阳谷县, with its code from supervision/core/data/regions.csv."""
    return RegionFactory(code="371521109000", name="寿张镇", level=4, parent=world.yanggu)


@pytest.fixture
def filed(world):
    """Eight filed market-registered institutions of 阳谷县; the last one filed just now."""
    homes = [
        InstitutionFactory(
            credit_code=credit_code(8700 + i),
            name=f"阳谷县松柏{i}号养老院",
            status=InstitutionStatus.FILED,
            region=world.yanggu_town,
            address=f"阳谷县博济桥街道振兴路 {i} 号",
            registration_authority="market",
        )
        for i in range(7)
    ]
    late = InstitutionFactory(
        credit_code=credit_code(8707),
        name="阳谷县晚霞养老院",
        status=InstitutionStatus.REGISTERED_NOT_FILED,
        region=world.yanggu_town,
        address="阳谷县博济桥街道晚霞路 7 号",
        registration_authority="market",
    )
    registry.institution_file(late, actor=world.yanggu_mz)
    return [*homes, late]


def partial_list(filed):
    bad = credit_code(8802)
    bad = bad[:-1] + ("0" if bad[-1] != "0" else "1")
    return [
        [filed[0].credit_code, filed[0].name, filed[0].address, "是"],
        [filed[-1].credit_code, filed[-1].name, filed[-1].address, "是"],  # the one filed just now
        [NEW_CODE, "阳谷县福满园养老服务有限公司", "阳谷县寿张镇政府街 12 号", "是"],
        [bad, "阳谷县百岁坊养老院", "阳谷县寿张镇", "是"],
    ]


def four_rows(tmp_path, filed, name="partial.xlsx"):
    return write_xlsx(tmp_path / name, HEADERS, partial_list(filed))


def run_of(world, source, path, capture, coverage, confirm=True):
    return start(upload(world.yanggu_mz, path, source, coverage), world.yanggu_mz, None, capture, confirm)


def test_incremental_partial_list_counts_add_up_and_accuse_nobody(
    world, shouzhang, filed, market_source, tmp_path, django_capture_on_commit_callbacks, client_for
):
    run = run_of(
        world, market_source, four_rows(tmp_path, filed), django_capture_on_commit_callbacks, "incremental"
    )
    assert run.status == RunStatus.DONE, run.failure
    classes = {key: n for key, _label, n in run.file_counts()}
    assert classes == {
        "filed": 2,
        "registered_not_filed": 1,
        "registered_not_operating": 0,
        "review": 0,
        "error": 1,
    }
    assert run.file_total == run.total_rows == 4
    assert ReconciliationRow.objects.filter(run=run).count() == 4
    assert run.registry_absent == 0
    assert not ReconciliationRow.objects.filter(
        run=run, classification__in=[Classification.REGISTRY_ABSENT, Classification.UNREGISTERED]
    ).exists()
    # The only task is for the new registration; no filed institution is a suspect.
    items = WorkItem.objects.all()
    assert [(i.credit_code, i.action) for i in items] == [(NEW_CODE, WorkAction.URGE_FILING)]
    assert all(Institution.objects.get(pk=f.pk).status == InstitutionStatus.FILED for f in filed)
    html = client_for(world.yanggu_mz).get(f"/institutions/reconciliation/runs/{run.pk}/").content.decode()
    assert 'data-testid="coverage">增量<' in html and 'data-testid="count-total">4<' in html
    assert "增量名单只包含部分主体" in html


def test_complete_list_puts_missing_institutions_in_their_own_bucket(
    world, shouzhang, filed, market_source, tmp_path, django_capture_on_commit_callbacks, client_for
):
    run = run_of(
        world,
        market_source,
        four_rows(tmp_path, filed),
        django_capture_on_commit_callbacks,
        "full",
        confirm=False,
    )
    assert run.status == RunStatus.PREVIEW, run.failure
    missing = {f.pk for f in filed[1:-1]}
    absent = ReconciliationRow.objects.filter(run=run, classification=Classification.REGISTRY_ABSENT)
    assert set(absent.values_list("institution_id", flat=True)) == missing
    assert all(r.row_number is None for r in absent)
    # The file's classes still add up to its 4 rows; the bucket is shown apart.
    assert run.file_total == run.total_rows == 4 and run.registry_absent == 6
    html = client_for(world.yanggu_mz).get(f"/institutions/reconciliation/runs/{run.pk}/").content.decode()
    assert 'data-testid="count-total">4<' in html
    assert 'data-testid="count-registry_absent">6<' in html

    run = confirm_import(run, world.yanggu_mz, django_capture_on_commit_callbacks)
    assert run.status == RunStatus.DONE, run.failure
    assert not ReconciliationRow.objects.filter(run=run, classification=Classification.UNREGISTERED).exists()
    assert not WorkItem.objects.filter(action=WorkAction.ONSITE_CHECK).exists()
    review = WorkItem.objects.filter(action=WorkAction.REVIEW_ABSENT)
    assert set(review.values_list("institution_id", flat=True)) == missing
    assert all(i.classification == Classification.REGISTRY_ABSENT for i in review)
    # Neither the listed filed institutions nor the one filed just now got any task.
    assert not WorkItem.objects.filter(institution__in=[filed[0], filed[-1]]).exists()
    worklist = client_for(world.yanggu_mz).get("/institutions/reconciliation/items/")
    assert {i.get_action_display() for i in worklist.context["object_list"]} == {
        "现场核查并督促备案",
        "名录外待核（核实登记状态）",
    }


def test_township_is_derived_from_the_address_and_marked(
    world, shouzhang, filed, market_source, tmp_path, django_capture_on_commit_callbacks, client_for
):
    run = run_of(
        world, market_source, four_rows(tmp_path, filed), django_capture_on_commit_callbacks, "incremental"
    )
    new = ReconciliationRow.objects.get(run=run, credit_code=NEW_CODE)
    assert new.classification == Classification.REGISTERED_NOT_FILED and not new.errors
    assert new.region == shouzhang and new.region_derived
    assert Institution.objects.get(credit_code=NEW_CODE).region == shouzhang
    assert WorkItem.objects.get(credit_code=NEW_CODE).region == shouzhang
    # A row matched to the registry takes the registry's township, not marked as derived.
    known = ReconciliationRow.objects.get(run=run, credit_code=filed[0].credit_code)
    assert known.region == world.yanggu_town and not known.region_derived
    assert run.region_derived == 1
    c = client_for(world.yanggu_mz)
    html = c.get(f"/institutions/reconciliation/runs/{run.pk}/rows/?region_derived=true").content.decode()
    assert "阳谷县福满园养老服务有限公司" in html and html.count('data-testid="derived"') == 1
    assert filed[0].name not in html
    assert "由地址推断" in c.get(f"/institutions/reconciliation/runs/{run.pk}/").content.decode()


def test_empty_township_cell_is_derived_and_an_address_without_one_is_an_error(
    world, shouzhang, market_source, tmp_path, django_capture_on_commit_callbacks
):
    path = write_xlsx(
        tmp_path / "cells.xlsx",
        ["统一社会信用代码", "企业名称", "住所", "所属乡镇"],
        [
            [credit_code(8811), "阳谷县康泰养老服务有限公司", "山东省聊城市阳谷县寿张镇北街 3 号", ""],
            [credit_code(8812), "阳谷县乐龄养老服务有限公司", "新华路 5 号", ""],
            [credit_code(8813), "阳谷县安康养老服务有限公司", "寿张镇南街 1 号", "博济桥街道"],
        ],
    )
    run = run_of(world, market_source, path, django_capture_on_commit_callbacks, "incremental", confirm=False)
    rows = {r.credit_code: r for r in ReconciliationRow.objects.filter(run=run)}
    assert rows[credit_code(8811)].region == shouzhang and rows[credit_code(8811)].region_derived
    nowhere = rows[credit_code(8812)]
    assert nowhere.classification == Classification.ERROR and nowhere.region is None
    assert "地址中也没有本辖区的乡镇（街道）名称" in nowhere.errors[0]["reason"]
    # A township given in the list wins over the address.
    given = rows[credit_code(8813)]
    assert given.region == world.yanggu_town and not given.region_derived


def test_reimporting_the_same_list_creates_no_duplicate_work_items(
    world, shouzhang, filed, market_source, tmp_path, django_capture_on_commit_callbacks
):
    first = run_of(
        world, market_source, four_rows(tmp_path, filed, "a.xlsx"), django_capture_on_commit_callbacks, "full"
    )
    assert first.status == RunStatus.DONE, first.failure
    before = sorted(WorkItem.objects.values_list("institution_id", "action"))
    assert len(before) == 7  # 6 名录外待核 + 1 urge filing

    second = run_of(
        world,
        market_source,
        four_rows(tmp_path, filed, "b.xlsx"),
        django_capture_on_commit_callbacks,
        "full",
        confirm=False,
    )
    assert second.status == RunStatus.PREVIEW, second.failure
    planned = services.run_preview(second)
    assert planned["new_institutions"] == 0
    assert {p["action"]: p["new"] for p in planned["work_items"]} == {
        WorkAction.URGE_FILING: 0,
        WorkAction.REVIEW_ABSENT: 0,
    }
    second = confirm_import(second, world.yanggu_mz, django_capture_on_commit_callbacks)
    assert second.status == RunStatus.DONE, second.failure
    assert sorted(WorkItem.objects.values_list("institution_id", "action")) == before
    assert not WorkItem.objects.filter(run=second).exists()

    # Once the township has answered, the next list may open a new task for it.
    item = WorkItem.objects.get(institution=filed[1])
    services.work_item_verify(item, actor=world.yanggu_mz, result="closed", notes="已注销")
    third = run_of(
        world, market_source, four_rows(tmp_path, filed, "c.xlsx"), django_capture_on_commit_callbacks, "full"
    )
    assert list(WorkItem.objects.filter(run=third).values_list("institution_id", flat=True)) == [filed[1].pk]
    assert WorkItem.objects.filter(institution=filed[1], result="").count() == 1


def test_the_database_refuses_a_second_open_item_for_an_institution_and_kind(
    world, shouzhang, filed, market_source, tmp_path, django_capture_on_commit_callbacks
):
    run = run_of(world, market_source, four_rows(tmp_path, filed), django_capture_on_commit_callbacks, "full")
    item = WorkItem.objects.get(institution=filed[1], action=WorkAction.REVIEW_ABSENT)
    twin = WorkItem(
        run=run,
        row=ReconciliationRow.objects.create(run=run, name=item.name, classification="registry_absent"),
        institution=item.institution,
        name=item.name,
        region=item.region,
        department=item.department,
        action=item.action,
        classification=item.classification,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()
    # Another kind of task for the same institution is allowed.
    twin.action = WorkAction.URGE_FILING
    twin.save()


def test_preview_creates_nothing_until_confirmed(
    world, shouzhang, filed, market_source, tmp_path, django_capture_on_commit_callbacks, client_for
):
    black = InstitutionFactory(
        credit_code=None,
        status=InstitutionStatus.UNREGISTERED,
        name="阳谷县松鹤养老院",
        region=world.yanggu_town,
        address="振兴路 3 号",
        registration_authority="none",
    )
    # The four rows and a name close to a registry home without registration (to review).
    path = write_xlsx(
        tmp_path / "with-review.xlsx",
        HEADERS,
        [
            *partial_list(filed),
            [credit_code(8803), "阳谷县松鹤堂养老院", "阳谷县博济桥街道振兴路 3 号", "是"],
        ],
    )
    institutions_before = Institution.objects.count()
    run = run_of(world, market_source, path, django_capture_on_commit_callbacks, "full", confirm=False)
    assert run.status == RunStatus.PREVIEW, run.failure
    assert run.file_total == run.total_rows == 5 and run.counts["review"] == 1
    assert Institution.objects.count() == institutions_before
    assert not WorkItem.objects.exists()
    review = ReconciliationRow.objects.get(run=run, review="pending")
    with pytest.raises(ValidationError):
        services.row_review(review, actor=world.yanggu_mz, accept=True)
    black.refresh_from_db()
    assert black.status == InstitutionStatus.UNREGISTERED and black.credit_code is None

    c = client_for(world.yanggu_mz)
    url = f"/institutions/reconciliation/runs/{run.pk}/"
    html = c.get(url).content.decode()
    assert "预览：尚未导入" in html and "确认导入" in html
    assert 'data-testid="count-total">5<' in html and 'data-testid="count-review">1<' in html
    assert "新增登记未备案机构 1 家" in html
    # Other jurisdictions and departments cannot confirm it.
    for user in (world.dongchangfu_mz, world.yanggu_xf):
        assert client_for(user).post(url + "confirm/").status_code == 404
    run.refresh_from_db()
    assert run.status == RunStatus.PREVIEW and not WorkItem.objects.exists()

    c = client_for(world.yanggu_mz)
    with django_capture_on_commit_callbacks(execute=True):
        assert c.post(url + "confirm/").status_code == 302
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.confirmed_by == world.yanggu_mz
    assert Institution.objects.count() == institutions_before + 1
    assert WorkItem.objects.filter(run=run).count() == 7
    assert "待复核的名称匹配" in c.get(url).content.decode()


def test_a_discarded_preview_writes_nothing(
    world, shouzhang, filed, market_source, tmp_path, django_capture_on_commit_callbacks, client_for
):
    run = run_of(
        world, market_source, four_rows(tmp_path, filed), django_capture_on_commit_callbacks, "full", False
    )
    c = client_for(world.yanggu_mz)
    url = f"/institutions/reconciliation/runs/{run.pk}/"
    assert c.post(url + "discard/").status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        c.post(url + "confirm/")
    run.refresh_from_db()
    assert run.status == RunStatus.DISCARDED
    assert not WorkItem.objects.exists() and not Institution.objects.filter(credit_code=NEW_CODE).exists()
    assert "本次导入已放弃" in c.get(url).content.decode()


def test_coverage_is_a_required_choice_on_the_form_and_the_api(world, filed, tmp_path, client_for, api_for):
    path = four_rows(tmp_path, filed)
    with open(path, "rb") as fh:
        r = client_for(world.yanggu_mz).post(
            "/institutions/reconciliation/upload/",
            {"new_source_name": "市场监管名单", "authority": "market", "file": fh},
        )
    assert r.status_code == 200 and "请选择名单范围：全量或增量。" in r.content.decode()
    with open(path, "rb") as fh:
        r = api_for(world.yanggu_mz).post(
            "/api/v1/reconciliation-runs/",
            {"file": fh, "source_name": "市场监管名单", "authority": "market"},
            format="multipart",
        )
    assert r.status_code == 400 and r.json()["coverage"] == ["请选择名单范围：全量或增量。"]
    assert not ReconciliationRun.objects.exists()


def test_api_preview_then_confirm(
    world, shouzhang, filed, tmp_path, api_for, django_capture_on_commit_callbacks
):
    api = api_for(world.yanggu_mz)
    with open(four_rows(tmp_path, filed), "rb") as fh, django_capture_on_commit_callbacks(execute=True):
        r = api.post(
            "/api/v1/reconciliation-runs/",
            {"file": fh, "source_name": "市场监管名单", "authority": "market", "coverage": "full"},
            format="multipart",
        )
    assert r.status_code == 201, r.content
    base = f"/api/v1/reconciliation-runs/{r.json()['id']}/"
    preview = api.get(base + "preview/").json()
    assert preview["status"] == "preview" and preview["coverage"] == "full"
    assert preview["file_total"] == preview["total_rows"] == 4 == sum(preview["classes"].values())
    assert preview["registry_absent"] == 6 and preview["region_derived"] == 1
    assert preview["new_institutions"] == 1
    assert not WorkItem.objects.exists()
    for user in (world.dongchangfu_mz, world.yanggu_xf, world.outsider):
        assert api_for(user).post(base + "confirm/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        r = api.post(base + "confirm/")
    assert r.status_code == 200, r.content
    detail = api.get(base).json()
    assert detail["status"] == "done" and detail["file_total"] == 4 and detail["registry_absent"] == 6
    assert WorkItem.objects.count() == 7
    # Confirming again changes nothing; a done run cannot be discarded.
    assert api.post(base + "confirm/").status_code == 200
    assert api.post(base + "discard/").status_code == 400
    assert WorkItem.objects.count() == 7
