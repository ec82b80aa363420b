"""Who may write registration lists (issue 13): only civil affairs' acting posts (inspector,
leader, admin of the lead department) over the run's region upload, map, confirm, discard and
review; work items are verified by those over the item's township.

Measured before: an auditor and a liaison of 阳谷县民政 uploaded lists (``POST
/api/v1/reconciliation-runs/`` → 201). Now every write route refuses them with 403 before
reading the payload, the services refuse them (and ``None`` / anonymous) with ``Denied``, and
the system actor (tasks) is allowed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files import File
from django.db import transaction
from django.test import Client
from rest_framework.test import APIClient

from institutions.reconciliation import services
from institutions.reconciliation.models import (
    ReconciliationRow,
    ReconciliationRun,
    RegistrationSource,
    RunStatus,
    WorkItem,
)
from supervision.core import policy
from supervision.core.models import Role
from tests.factories import AssignmentFactory, UserFactory
from tests.institutions.factories import InstitutionFactory, credit_code
from tests.reconciliation.conftest import start, upload, write_xlsx

pytestmark = pytest.mark.django_db

HEADERS = ["统一社会信用代码", "企业名称", "住所", "所属乡镇", "是否开展养老服务"]
CIVIL = frozenset({"lead", "leader", "admin"})
# A create is gated by the post before the payload names anything: any civil-affairs acting
# post; the service then places the run in that post's region.
CIVIL_POSTS = CIVIL | {"township", "sibling"}
# 阳谷县民政's posts see the county's runs (and refused ones get 403, not 404).
COUNTY_MZ = CIVIL | {"auditor", "liaison"}


@pytest.fixture
def personas(world, town_mz) -> dict[str, Any]:
    def post(username: str, dept: Any, role: str) -> Any:
        user = UserFactory(username=username)
        AssignmentFactory(user=user, department=dept, region=world.yanggu, role=role)
        return user

    return {
        "lead": world.yanggu_mz,
        "leader": world.yanggu_leader,
        "admin": post("yanggu_admin", world.mz, Role.ADMIN),
        "auditor": post("yanggu_auditor", world.mz, Role.AUDITOR),
        "liaison": post("yanggu_liaison", world.mz, Role.LIAISON),
        "xf": world.yanggu_xf,
        "sj": post("yanggu_sj", world.sj, Role.INSPECTOR),
        "township": town_mz,  # 博济桥街道民政
        "sibling": world.dongchangfu_mz,
        "anonymous": None,
    }


@dataclass
class Objects:
    mapping_run: ReconciliationRun  # waiting for its mapping
    preview_run: ReconciliationRun  # staged, waiting for the confirmation
    review_row: ReconciliationRow  # a name match to review, in an imported run
    item: WorkItem  # a task in 侨润街道 (not the township persona's)
    own_item: WorkItem  # a task in 博济桥街道 (the township persona's)


def _list(tmp_path, name: str, offset: int) -> Any:
    rows = [
        [credit_code(offset), f"阳谷县侨润{offset}养老院", "侨润路 2 号", "侨润街道", "是"],
        [credit_code(offset + 1), f"阳谷县博济桥{offset}养老院", "振兴路 1 号", "博济桥街道", "是"],
    ]
    return write_xlsx(tmp_path / name, HEADERS, rows)


@pytest.fixture
def objects(world, town2, market_source, tmp_path, django_capture_on_commit_callbacks) -> Objects:
    mz = world.yanggu_mz
    InstitutionFactory(
        credit_code=None,
        status="unregistered",
        name="阳谷县松鹤养老院",
        region=world.yanggu_town,
        address="振兴路 3 号",
        registration_authority="none",
    )
    rows = [
        [credit_code(7600), "阳谷县侨润福乐养老院", "侨润路 2 号", "侨润街道", "是"],
        [credit_code(7601), "阳谷县博济桥康乐养老院", "振兴路 1 号", "博济桥街道", "是"],
        [credit_code(7602), "阳谷县松鹤堂养老院", "振兴路 3 号", "博济桥街道", "是"],
    ]
    done = start(
        upload(mz, write_xlsx(tmp_path / "done.xlsx", HEADERS, rows), market_source),
        mz,
        None,
        django_capture_on_commit_callbacks,
    )
    assert done.status == RunStatus.DONE, done.failure
    preview = start(
        upload(mz, _list(tmp_path, "preview.xlsx", 7700), market_source),
        mz,
        None,
        django_capture_on_commit_callbacks,
        confirm=False,
    )
    assert preview.status == RunStatus.PREVIEW, preview.failure
    return Objects(
        mapping_run=upload(mz, _list(tmp_path, "mapping.xlsx", 7800), market_source),
        preview_run=preview,
        review_row=ReconciliationRow.objects.get(run=done, review="pending"),
        item=WorkItem.objects.get(run=done, region=town2),
        own_item=WorkItem.objects.get(run=done, region=world.yanggu_town),
    )


R = "/institutions/reconciliation"
A = "/api/v1"
# (route, url, who may act, who sees the object: refused with 403 rather than 404)
ROUTES = [
    ("web upload", lambda o: f"{R}/upload/", CIVIL_POSTS, None),
    ("web mapping", lambda o: f"{R}/runs/{o.mapping_run.pk}/mapping/", CIVIL, COUNTY_MZ),
    ("web confirm", lambda o: f"{R}/runs/{o.preview_run.pk}/confirm/", CIVIL, COUNTY_MZ),
    ("web discard", lambda o: f"{R}/runs/{o.mapping_run.pk}/discard/", CIVIL, COUNTY_MZ),
    ("web review", lambda o: f"{R}/rows/{o.review_row.pk}/review/", CIVIL, COUNTY_MZ),
    ("web item", lambda o: f"{R}/items/{o.item.pk}/", CIVIL, COUNTY_MZ),
    ("web own item", lambda o: f"{R}/items/{o.own_item.pk}/", CIVIL | {"township"}, COUNTY_MZ | {"township"}),
    ("api upload", lambda o: f"{A}/reconciliation-runs/", CIVIL_POSTS, None),
    ("api confirm", lambda o: f"{A}/reconciliation-runs/{o.preview_run.pk}/confirm/", CIVIL, COUNTY_MZ),
    ("api discard", lambda o: f"{A}/reconciliation-runs/{o.mapping_run.pk}/discard/", CIVIL, COUNTY_MZ),
    ("api verify", lambda o: f"{A}/reconciliation-items/{o.item.pk}/verify/", CIVIL, COUNTY_MZ),
    (
        "api verify own",
        lambda o: f"{A}/reconciliation-items/{o.own_item.pk}/verify/",
        CIVIL | {"township"},
        COUNTY_MZ | {"township"},
    ),
]


@pytest.mark.parametrize(
    "persona",
    ["lead", "leader", "admin", "auditor", "liaison", "xf", "sj", "township", "sibling", "anonymous"],
)
def test_every_write_route_answers_each_persona_before_reading_the_payload(personas, objects, persona):
    user = personas[persona]
    wrong = []
    for name, url_of, allowed, sees in ROUTES:
        url = url_of(objects)
        api = url.startswith(A)
        client: Any = APIClient() if api else Client()
        if user is not None:
            client.force_authenticate(user) if api else client.force_login(user)
        with transaction.atomic():  # each write is rolled back: the next route finds the same objects
            response = client.post(url, {}, format="json") if api else client.post(url, {})
            transaction.set_rollback(True)
        status = response.status_code
        if user is None:
            expected = "401/403" if api else "login"
            ok = (
                status in (401, 403)
                if api
                else (status == 302 and "/accounts/login/" in response["Location"])
            )
        elif persona in allowed:
            expected, ok = "past the policy", status not in (403, 404) and status < 500
        elif sees is None or persona in sees:
            expected, ok = "403", status == 403
        else:
            expected, ok = "404", status == 404
        if not ok:
            wrong.append(f"{name} {url}: {status}, expected {expected}")
    assert not wrong, f"{persona}:\n" + "\n".join(wrong)


def _post_list(client: APIClient, tmp_path, name: str) -> Any:
    with open(_list(tmp_path, name, 7900), "rb") as fh:
        return client.post(
            f"{A}/reconciliation-runs/",
            {"file": fh, "source_name": "市场监管名单", "authority": "market", "coverage": "incremental"},
            format="multipart",
        )


@pytest.mark.parametrize("persona", ["auditor", "liaison"])
def test_auditors_and_liaisons_no_longer_upload_lists(personas, tmp_path, api_for, client_for, persona):
    """The measured fault: 201 for an auditor's and a liaison's upload."""
    r = _post_list(api_for(personas[persona]), tmp_path, "a.xlsx")
    assert r.status_code == 403
    assert "民政部门（牵头部门）" in r.json()["detail"]
    with open(_list(tmp_path, "b.xlsx", 7950), "rb") as fh:
        page = client_for(personas[persona]).post(
            f"{R}/upload/",
            {"new_source_name": "市场监管名单", "authority": "market", "coverage": "incremental", "file": fh},
        )
    assert page.status_code == 403
    assert not ReconciliationRun.objects.exists() and not RegistrationSource.objects.exists()


@pytest.mark.parametrize("persona", ["lead", "leader", "admin", "township"])
def test_civil_affairs_posts_upload_into_their_own_region(world, personas, tmp_path, api_for, persona):
    r = _post_list(api_for(personas[persona]), tmp_path, "a.xlsx")
    assert r.status_code == 201, r.content
    run = ReconciliationRun.objects.get(pk=r.json()["id"])
    region = world.yanggu_town if persona == "township" else world.yanggu
    assert run.region == region and run.uploaded_by == personas[persona]


# --- the services themselves -------------------------------------------------------------------


def _actor(personas: dict[str, Any], persona: str) -> Any:
    if persona == "none":
        return None
    if persona == "anonymous":
        return AnonymousUser()
    return personas[persona]


def _calls(o: Objects) -> dict[str, Any]:
    return {
        "map": lambda actor: services.run_confirm_mapping(
            o.mapping_run, actor=actor, mapping=o.mapping_run.mapping
        ),
        "confirm": lambda actor: services.run_confirm(o.preview_run, actor=actor),
        "discard": lambda actor: services.run_discard(o.mapping_run, actor=actor),
        "review": lambda actor: services.row_review(o.review_row, actor=actor, accept=False),
        "verify": lambda actor: services.work_item_verify(o.item, actor=actor, result="closed"),
    }


@pytest.mark.parametrize(
    "persona", ["auditor", "liaison", "xf", "sj", "township", "sibling", "none", "anonymous"]
)
def test_the_services_refuse_who_may_not_act(personas, objects, persona):
    actor = _actor(personas, persona)
    for _name, call in _calls(objects).items():
        with pytest.raises(policy.Denied), transaction.atomic():
            call(actor)
    objects.mapping_run.refresh_from_db()
    objects.preview_run.refresh_from_db()
    objects.item.refresh_from_db()
    objects.review_row.refresh_from_db()
    assert objects.mapping_run.status == RunStatus.MAPPING and objects.preview_run.status == RunStatus.PREVIEW
    assert objects.item.result == "" and objects.review_row.review == "pending"


@pytest.mark.parametrize("persona", ["auditor", "liaison", "xf", "none", "anonymous"])
def test_the_upload_services_refuse_who_may_not_act(personas, market_source, tmp_path, persona):
    actor = _actor(personas, persona)
    with pytest.raises(policy.Denied):
        services.source_get_or_create(actor=actor, name="另一来源", authority="market")
    with pytest.raises(policy.Denied), open(_list(tmp_path, "x.xlsx", 7990), "rb") as fh:
        services.run_create(
            actor=actor, source=market_source, upload=File(fh, name="x.xlsx"), coverage="full"
        )
    assert not ReconciliationRun.objects.exists()


@pytest.mark.parametrize("persona", ["lead", "leader", "admin", "system"])
def test_civil_affairs_and_the_system_act(personas, objects, persona, django_capture_on_commit_callbacks):
    actor = policy.SYSTEM if persona == "system" else personas[persona]
    calls = _calls(objects)
    with django_capture_on_commit_callbacks(execute=True):
        assert calls["map"](actor).status == RunStatus.QUEUED
    objects.mapping_run.refresh_from_db()
    assert objects.mapping_run.status == RunStatus.PREVIEW  # the check ran after the commit
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = calls["confirm"](actor)
    assert confirmed.confirmed_by == policy.as_user(actor)
    objects.preview_run.refresh_from_db()
    assert objects.preview_run.status == RunStatus.DONE
    assert services.run_discard(objects.mapping_run, actor=actor).status == RunStatus.DISCARDED
    assert calls["review"](actor).review == "rejected"
    item = calls["verify"](actor)
    assert item.result == "closed" and item.verified_by == policy.as_user(actor)


def test_the_township_verifies_its_own_tasks_only(personas, objects):
    town = personas["township"]
    assert services.work_item_verify(objects.own_item, actor=town, result="closed").verified_by == town
    with pytest.raises(policy.Denied):
        services.work_item_verify(objects.item, actor=town, result="closed")


def test_the_sibling_county_is_refused_even_when_it_names_the_object(personas, objects):
    with pytest.raises(policy.Denied, match="阳谷县"):
        services.run_confirm(objects.preview_run, actor=personas["sibling"])


# --- pages offer only what the policy allows ------------------------------------------------


def test_pages_offer_the_buttons_only_to_those_who_may_act(personas, objects, client_for):
    preview = f"{R}/runs/{objects.preview_run.pk}/"
    review = f"{R}/runs/{objects.review_row.run_id}/"
    item = f"{R}/items/{objects.item.pk}/"
    mapping = f"{R}/runs/{objects.mapping_run.pk}/mapping/"
    lead = client_for(personas["lead"])
    assert "确认导入</button>" in lead.get(preview).content.decode()
    assert "不是同一机构" in lead.get(review).content.decode()
    assert "保存核实结果" in lead.get(item).content.decode()
    assert "确认并开始校验比对" in lead.get(mapping).content.decode()
    for persona in ("auditor", "liaison"):
        c = client_for(personas[persona])
        assert "确认导入</button>" not in c.get(preview).content.decode()
        assert "放弃</button>" not in c.get(preview).content.decode()
        assert "不是同一机构" not in c.get(review).content.decode()
        page = c.get(item)
        assert page.status_code == 200 and "保存核实结果" not in page.content.decode()
        assert "确认并开始校验比对" not in c.get(mapping).content.decode()
        assert "上传登记数据" not in c.get(f"{R}/").content.decode()
        assert c.get(f"{R}/upload/").status_code == 403
    town = client_for(personas["township"])
    assert "保存核实结果" in town.get(f"{R}/items/{objects.own_item.pk}/").content.decode()
