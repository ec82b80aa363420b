"""Staff pages, API and public pages: scoping (sibling county, partner department, outsider),
public list shows exactly the current entries with persons masked."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client

from credit import services
from credit.models import ListType
from tests.credit import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def listed(world, home):
    home.legal_representative = "王五一"
    home.save(update_fields=["legal_representative"])
    today = services.today()
    return factories.to_published(world, home, on=today - dt.timedelta(days=30))


def test_public_list_shows_exactly_current_entries_and_masks_persons(
    world, home, other_home, far_home, listed, client_for
):
    # a removed entry, a never-published one and a ban with a person
    old = factories.to_published(world, other_home, on=dt.date(2022, 1, 4))
    services.listings_sweep()
    old.refresh_from_db()
    assert old.state == "removed"
    draft = factories.proposal(world, far_home := factories.institution(world.yanggu_town, "未公示养老院"))
    ban = factories.to_published(
        world,
        home,
        on=services.today() - dt.timedelta(days=30),
        list_type=ListType.INDUSTRY_BAN,
        ground="resident_abuse",
        kind="resident_abuse",
        person_name="赵六",
        person_id_number=factories.id_number(33),
    )
    anon = Client()
    page = anon.get("/public/credit/").content.decode()
    assert home.name in page and listed.decision_number in page
    assert other_home.name not in page and far_home.name not in page and draft.number not in page
    assert "王**" in page and "王五一" not in page
    data = anon.get("/public/credit/list.json").json()
    assert {e["credit_code"] for e in data["entries"]} == {home.credit_code}
    assert {e["list_type"] for e in data["entries"]} == {"joint_punishment", "industry_ban"}
    person = next(e for e in data["entries"] if e["list_type"] == "industry_ban")
    assert (
        person["person_name"] == "赵*" and "*" in person["person_id"] and ban.person.id_hash not in str(data)
    )
    rows = list(csv.DictReader(io.StringIO(anon.get("/public/credit/list.csv").content.decode("utf-8-sig"))))
    assert list(rows[0].keys())[:4] == ["list_type", "list_type_name", "decision_number", "decided_on"]
    assert len(rows) == 2
    for text in (page, str(data)):
        assert "失信事实" not in text and "重大火灾隐患，责令限期整改" not in text
    # the removed entry left the public page but stays in the staff history
    staff = client_for(world.yanggu_mz)
    assert old.number in staff.get("/credit/proposals/?state=removed").content.decode()
    detail = staff.get(f"/credit/proposals/{old.pk}/").content.decode()
    assert "期满自动移出" in detail and old.decision_number in detail


def test_public_status_by_credit_code(world, home, other_home, listed):
    anon = Client()
    assert (
        "已列入失信联合惩戒对象名单"
        in anon.get(f"/public/credit/status/{home.credit_code}/").content.decode()
    )
    assert "目前未列入" in anon.get(f"/public/credit/status/?code={other_home.credit_code}").content.decode()
    assert "未找到" in anon.get("/public/credit/status/?code=91371521MA0000000X").content.decode()


def test_profile_shows_grade_reasons_and_list_status(world, home, listed, client_for):
    page = client_for(world.yanggu_mz).get(f"/credit/institution/{home.credit_code}/").content.decode()
    assert 'id="credit-grade">D<' in page and "高风险" in page
    assert "已列入失信联合惩戒对象名单" in page and "列入失信联合惩戒对象名单期间，信用等级为 D" in page
    assert "基础分" in page


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("yanggu_mz", True),
        ("yanggu_leader", True),
        ("yanggu_xf", True),  # partner department: the fire-hazard ground is in its remit
        ("dongchangfu_mz", False),
        ("outsider", False),
    ],
)
def test_scoping_of_list_detail_export_and_api(world, home, listed, client_for, api_for, persona, sees):
    user = getattr(world, persona)
    c = client_for(user)
    assert (listed.number in c.get("/credit/proposals/").content.decode()) is sees
    assert c.get(f"/credit/proposals/{listed.pk}/").status_code == (200 if sees else 404)
    assert c.get(f"/credit/institution/{home.credit_code}/").status_code == (200 if sees else 404)
    assert c.get(f"/credit/proposals/{listed.pk}/decision.pdf").status_code == (200 if sees else 404)
    api = api_for(user)
    assert api.get(f"/api/v1/blacklist/{listed.pk}/").status_code == (200 if sees else 404)
    assert api.get(f"/api/v1/credit-grades/{home.credit_code}/").status_code == (200 if sees else 404)
    records = api.get("/api/v1/credit-records/").json()
    count = records["count"] if isinstance(records, dict) and "count" in records else len(records)
    assert (count > 0) is sees


def test_export_is_scoped(world, home, far_home, listed, client_for):
    from openpyxl import load_workbook

    factories.record(far_home, "penalty", world.dongchangfu_mz)
    response = client_for(world.yanggu_mz).get("/credit/records/?export=xlsx")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    codes = {r[0] for r in rows[1:]}
    assert home.credit_code in codes and far_home.credit_code not in codes


def test_partner_department_sees_its_domain_only(world, home, client_for, api_for):
    fire = factories.record(home, "major_hazard_overdue", world.yanggu_mz)  # domain fire
    fraud = factories.record(home, "subsidy_fraud", world.yanggu_mz)
    api = api_for(world.yanggu_xf)
    ids = {r["id"] for r in api.get("/api/v1/credit-records/").json()["results"]}
    assert fire.pk in ids and fraud.pk not in ids
    # grades are visible region-wide (they drive every department's inspection planning)
    assert api.get(f"/api/v1/credit-grades/{home.credit_code}/").status_code == 200


def test_procedure_through_the_api(world, home, api_for):
    evidence = factories.record(home, "obstruction", world.yanggu_mz)
    api = api_for(world.yanggu_mz)
    r = api.post(
        "/api/v1/blacklist/",
        {
            "credit_code": home.credit_code,
            "list_type": "joint_punishment",
            "ground": "obstruction",
            "facts": "拒绝检查",
            "evidence": [evidence.pk],
        },
        format="json",
    )
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    r = api.post(f"/api/v1/blacklist/{pk}/notify/", {"on": "2026-03-02"}, format="json")
    assert r.json()["objection_due"] == "2026-03-09"
    r = api.post(
        f"/api/v1/blacklist/{pk}/review/",
        {"on": "2026-03-10", "text": "属实", "approve": True},
        format="json",
    )
    assert r.json()["state"] == "reviewed"
    r = api.post(
        f"/api/v1/blacklist/{pk}/decide/",
        {"on": "2026-03-10", "text": "列入", "approve": True},
        format="json",
    )
    assert r.status_code == 403 and "负责人" in r.json()["detail"]
    leader = api_for(world.yanggu_leader)
    r = leader.post(
        f"/api/v1/blacklist/{pk}/decide/",
        {"on": "2026-03-10", "text": "列入", "approve": True},
        format="json",
    )
    assert r.json()["state"] == "listed"
    r = api.post(f"/api/v1/blacklist/{pk}/publish/", {"on": "2026-03-11"}, format="json")
    assert r.json()["state"] == "published"
    r = api.post(
        f"/api/v1/blacklist/{pk}/apply-removal/", {"on": "2026-04-01", "text": "已整改"}, format="json"
    )
    assert r.status_code == 400 and "满 2 年" in str(r.json())


def test_staff_page_steps_with_refusals_as_messages(world, home, client_for):
    p = factories.proposal(world, home)
    c = client_for(world.yanggu_mz)
    r = c.post(f"/credit/proposals/{p.pk}/notify/", {"on": "2026-09-28"}, follow=True)
    assert "2026-10-10" in r.content.decode()
    r = c.post(
        f"/credit/proposals/{p.pk}/review/", {"on": "2026-10-09", "text": "x", "decision": "yes"}, follow=True
    )
    assert "尚未到期" in r.content.decode()


def test_enter_a_court_judgment_on_the_profile(world, home, client_for):
    c = client_for(world.yanggu_mz)
    r = c.post(
        f"/credit/institution/{home.credit_code}/",
        {
            "kind": "dishonest_debtor",
            "title": "阳谷县人民法院列为失信被执行人",
            "document": "（2026）鲁1521执123号",
            "effective": "2026-03-02",
            "person_name": "",
            "person_id_number": "",
        },
        follow=True,
    )
    page = r.content.decode()
    assert "信用记录已录入" in page and "（2026）鲁1521执123号" in page


def test_list_query_counts_do_not_grow(world, home, other_home, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    factories.to_published(world, home)
    c = client_for(world.yanggu_mz)

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(url).status_code == 200
        return len(ctx.captured_queries)

    urls = ["/credit/proposals/", "/credit/records/", "/credit/grades/"]
    for u in urls:  # warm up per-process caches (content types, session)
        count(u)
    before = [count(u) for u in urls]
    factories.to_published(world, other_home)
    factories.record(other_home, "award", world.yanggu_mz)
    assert [count(u) for u in urls] == before
