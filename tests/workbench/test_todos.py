"""The workbench as a to-do list: per persona, only what the write policy lets this user do,
grouped by type with counts; each item links to the page where it is done (去办理)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from supervision.core import policy
from supervision.core.workbench import TODO_LABELS, todos_for

pytestmark = pytest.mark.django_db


def groups(user) -> dict[str, list[dict]]:
    return {g["key"]: g["items"] for g in todos_for(user)}


def objects(user, group: str) -> list:
    return [i["object"] for i in groups(user).get(group, [])]


def test_lead_inspector_sees_own_draft_and_results_to_recognise_not_fire_items(county):
    mine = groups(county.mz)
    assert county.draft in [i["object"] for i in mine["send"]]
    assert county.responded in [i["object"] for i in mine["recognise"]]
    # Fire rescue's item is visible to civil affairs (lead department) but not its work.
    assert county.fire_item not in objects(county.mz, "accept")
    assert not policy.can(county.mz, county.fire_item, "accept")
    # Civil affairs does not receive its own referrals.
    assert "receive" not in mine and "feedback" not in mine


def test_fire_rescue_accepts_its_item_and_receives_the_referral(county):
    fire = groups(county.xf)
    assert [i["object"] for i in fire["accept"]] == [county.fire_item]
    assert county.sent in [i["object"] for i in fire["receive"]]
    # A fire complaint routed to fire rescue waits for its check (待核实).
    assert any(i["source"] == "complaint.start" for i in fire["verify"])
    # Nothing of civil affairs' side.
    assert "send" not in fire and "recognise" not in fire


def test_leader_recognises_and_liaison_only_carries(county):
    assert county.responded in objects(county.leader, "recognise")
    assert county.draft in objects(county.leader, "send")
    # A liaison (联络员) may send a draft, but recognising a result is for acting posts.
    assert county.draft in objects(county.liaison, "send")
    assert county.responded not in objects(county.liaison, "recognise")
    assert not policy.can(county.liaison, county.responded, "recognise")


def test_township_post_sees_none_of_the_county_work(county):
    town = groups(county.township)
    for group in ("send", "recognise", "accept", "receive"):
        assert group not in town, group


def test_every_listed_item_is_one_the_policy_allows(county):
    actions = {
        "referral.send": "send",
        "referral.acknowledge": "acknowledge",
        "referral.respond": "respond",
        "referral.recognise": "recognise",
        "rectification.accept": "accept",
        "rectification.approve": "approve",
        "complaint.start": "start",
        "complaint.reply": "reply",
        "institution.onsite_check": "keep",
    }
    for user in (county.mz, county.xf, county.leader, county.liaison, county.township):
        for g in todos_for(user):
            assert g["label"] == TODO_LABELS[g["key"]]
            assert g["count"] >= len(g["items"]) > 0
            for item in g["items"]:
                assert item["url"].startswith("/")
                action = actions.get(item["source"])
                if action:
                    assert policy.can(user, item["object"], action), (user, item)


def test_workbench_page_shows_groups_with_counts_and_go_buttons(county, client):
    client.force_login(county.mz)
    page = client.get("/workbench/").content.decode()
    assert 'id="todo-panel"' in page
    assert "待发抄告" in page and "待互认" in page and "去办理" in page
    assert f'href="/referrals/{county.draft.pk}/"' in page
    assert f'href="/referrals/{county.responded.pk}/"' in page
    # The rectification panel no longer lists fire rescue's items to civil affairs.
    assert county.fire_item.problem[:20] not in page
    client.force_login(county.xf)
    fire_page = client.get("/workbench/").content.decode()
    assert f'href="/inspections/rectification/items/{county.fire_item.pk}/"' in fire_page


def test_one_group_in_full(county, client):
    client.force_login(county.mz)
    response = client.get("/workbench/todos/send/")
    assert response.status_code == 200
    assert "待发抄告" in response.content.decode() and county.draft.title in response.content.decode()
    assert client.get("/workbench/todos/nonsense/").status_code == 404


def test_workbench_queries_do_not_grow_with_the_rows(world, county, client):
    from supervision.referrals import services as referrals
    from tests.institutions.factories import InstitutionFactory

    client.force_login(county.mz)
    client.get("/workbench/")
    with CaptureQueriesContext(connection) as few:
        client.get("/workbench/")
    for i in range(4):
        inst = InstitutionFactory(name=f"阳谷县测试第{i}养老院", region=county.town)
        referrals.refer(
            inst,
            domain="fire",
            from_department=world.mz,
            from_region=world.yanggu,
            user=county.mz,
            title=f"抄告草稿{i}",
            description="测试",
            institution_name=inst.name,
        )
    with CaptureQueriesContext(connection) as more:
        page = client.get("/workbench/").content.decode()
    assert "抄告草稿3" in page
    assert len(more) <= len(few) + 2, [q["sql"] for q in more.captured_queries][-10:]
