"""Scoping of the deadline pages and API, the waive form, the workbench panel, the
notification centre and the open-clocks partial."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from supervision.deadlines.models import Deadline, DeadlineState, Notification
from supervision.deadlines.services import notify
from tests.factories import AssignmentFactory, UserFactory

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def clocks(world, open_clock):
    """A civil-affairs clock in 阳谷县 (town), one in the sibling county, one of fire rescue."""
    return {
        "yanggu": open_clock(D(2026, 9, 28), region=world.yanggu_town),
        "dongchangfu": open_clock(D(2026, 9, 28), region=world.dongchangfu),
        "fire": open_clock(D(2026, 9, 28), rule="rectification.item", department=world.xf),
    }


VISIBLE = {
    "yanggu_mz": {"yanggu", "fire"},  # lead department: its whole subtree
    "yanggu_leader": {"yanggu", "fire"},
    "dongchangfu_mz": {"dongchangfu"},  # sibling county
    "yanggu_xf": {"fire"},  # partner: its own department's clocks only
    "outsider": set(),
    "sysadmin": {"yanggu", "dongchangfu", "fire"},
}


@pytest.mark.parametrize("persona", list(VISIBLE))
def test_list_detail_and_api_follow_the_scope(persona, world, clocks, client_for, api_for):
    user = getattr(world, persona)
    names = {v.pk: k for k, v in clocks.items()}
    client = client_for(user)
    page = client.get(reverse("deadlines:list"))
    assert page.status_code == 200
    shown = {
        k for k, d in clocks.items() if reverse("deadlines:detail", args=[d.pk]) in page.content.decode()
    }
    assert shown == VISIBLE[persona]
    api = api_for(user)
    listed = {names[row["id"]] for row in api.get("/api/v1/deadlines/").json()["results"]}
    assert listed == VISIBLE[persona]
    for key, d in clocks.items():
        expected = 200 if key in VISIBLE[persona] else 404
        assert client.get(reverse("deadlines:detail", args=[d.pk])).status_code == expected
        assert api.get(f"/api/v1/deadlines/{d.pk}/").status_code == expected


def test_list_filters_and_export(world, clocks, client_for):
    client = client_for(world.sysadmin)
    page = client.get(reverse("deadlines:list"), {"region": world.yanggu.code, "rule": "filing.onsite_check"})
    body = page.content.decode()
    assert reverse("deadlines:detail", args=[clocks["yanggu"].pk]) in body
    assert reverse("deadlines:detail", args=[clocks["fire"].pk]) not in body
    assert reverse("deadlines:detail", args=[clocks["dongchangfu"].pk]) not in body
    export = client.get(reverse("deadlines:list"), {"export": "xlsx", "department": "fire_rescue"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    from io import BytesIO

    from openpyxl import load_workbook

    rows = list(load_workbook(BytesIO(export.content)).active.values)
    assert rows[0][0] == "规则" and len(rows) == 2 and rows[1][0] == "隐患整改"


def test_api_filters_and_rules(world, clocks, api_for):
    api = api_for(world.yanggu_mz)
    rows = api.get("/api/v1/deadlines/", {"due_before": "2026-10-20"}).json()["results"]
    assert [r["rule"] for r in rows] == ["rectification.item"]
    rule = api.get("/api/v1/deadline-rules/filing.onsite_check/").json()
    assert rule["length"] == 20 and "004 2.5" in rule["source_article"]


def test_only_leaders_waive_with_a_reason(world, clocks, client_for, api_for):
    d = clocks["yanggu"]
    url = reverse("deadlines:waive", args=[d.pk])
    client_for(world.yanggu_mz).post(url, {"reason": "机构已注销"})
    d.refresh_from_db()
    assert d.state == DeadlineState.OPEN
    leader = client_for(world.yanggu_leader)
    detail = leader.get(reverse("deadlines:detail", args=[d.pk])).content.decode()
    assert "豁免理由" in detail and "data-confirm" in detail
    missing = leader.post(url, {"reason": ""})
    assert missing.status_code == 400 and "请填写豁免理由" in missing.content.decode()
    assert leader.post(url, {"reason": "机构已注销"}).status_code == 302
    d.refresh_from_db()
    assert (d.state, d.waived_reason, d.waived_by) == (
        DeadlineState.WAIVED,
        "机构已注销",
        world.yanggu_leader,
    )
    # Out of scope: 404 even for a leader.
    other = clocks["dongchangfu"]
    assert leader.post(reverse("deadlines:waive", args=[other.pk]), {"reason": "x"}).status_code == 404
    # API: inspectors are refused; fire rescue's clock is waived by fire rescue's leader, never
    # by a civil-affairs leader (the responsible department decides).
    fire = clocks["fire"]
    assert (
        api_for(world.yanggu_mz).post(f"/api/v1/deadlines/{fire.pk}/waive/", {"reason": "x"}).status_code
        == 403
    )
    refused = api_for(world.yanggu_leader).post(f"/api/v1/deadlines/{fire.pk}/waive/", {"reason": "x"})
    assert refused.status_code == 403 and "消防救援" in refused.json()["detail"]
    xf_leader = UserFactory(username="yanggu_xf_leader")
    AssignmentFactory(user=xf_leader, department=world.xf, region=world.yanggu, role="leader")
    resp = api_for(xf_leader).post(f"/api/v1/deadlines/{fire.pk}/waive/", {"reason": "并案处理"})
    assert resp.status_code == 200 and resp.json()["state"] == "waived"


def test_workbench_panel_lists_my_due_work(world, clocks, client_for):
    Deadline.objects.filter(pk=clocks["fire"].pk).update(due=D(2026, 1, 5), state=DeadlineState.OVERDUE)
    page = client_for(world.yanggu_mz).get(reverse("workbench")).content.decode()
    assert "我的待办时限" in page
    assert page.count('data-testid="due-row"') == 2
    panel = page[page.index("我的待办时限") :]  # the to-do list above names clocks too
    assert panel.index("隐患整改") < panel.index("备案后现场核查")  # sorted by due date
    assert 'class="table-danger" data-testid="due-row"' in page
    partner = client_for(world.yanggu_xf).get(reverse("workbench")).content.decode()
    assert partner.count('data-testid="due-row"') == 1


def test_open_clocks_partial(world, clocks):
    html = render_to_string("deadlines/_open_clocks.html", {"deadlines": [clocks["yanggu"]]})
    assert "备案后现场核查" in html and "2026-10-30" in html
    # the source is the document's title and its article, not the code "000（十一）"
    assert "实施意见》第（十一）项" in html and "000（十一）" not in html
    late = clocks["fire"]
    late.state = DeadlineState.OVERDUE
    html = render_to_string("deadlines/_open_clocks.html", {"deadlines": [late]})
    assert "table-danger" in html and "已逾期" in html
    assert "没有进行中的时限事项" in render_to_string("deadlines/_open_clocks.html", {"deadlines": []})


def test_notification_centre(world, client_for, api_for):
    notify([world.yanggu_mz, world.yanggu_mz], title="测试通知一", body="正文")
    notify([world.yanggu_mz, world.yanggu_leader], title="测试通知二", body="正文")
    client = client_for(world.yanggu_mz)
    page = client.get(reverse("deadlines:notifications")).content.decode()
    assert "测试通知一" in page and 'data-testid="unread-count">2<' in page
    first = Notification.objects.get(user=world.yanggu_mz, title="测试通知一")
    resp = client.post(reverse("deadlines:notification-read", args=[first.pk]), HTTP_HX_REQUEST="true")
    assert resp.status_code == 200 and 'hx-swap-oob="true"' in resp.content.decode()
    assert 'data-testid="unread-count">1<' in resp.content.decode()
    # Someone else's notification is not found.
    theirs = Notification.objects.get(user=world.yanggu_leader)
    assert client.post(reverse("deadlines:notification-read", args=[theirs.pk])).status_code == 404
    assert api_for(world.yanggu_mz).post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404
    assert [n["title"] for n in api_for(world.yanggu_mz).get("/api/v1/notifications/").json()["results"]] == [
        "测试通知二",
        "测试通知一",
    ]
    client.post(reverse("deadlines:notifications-read-all"))
    assert not Notification.objects.filter(user=world.yanggu_mz, read_at__isnull=True).exists()
    assert api_for(world.yanggu_leader).post("/api/v1/notifications/read-all/").json() == {"marked": 1}


def test_list_query_count_does_not_grow(world, open_clock, client_for, django_assert_max_num_queries):
    for i in range(30):
        open_clock(D(2026, 9, 28) + dt.timedelta(days=i % 5))
    client = client_for(world.yanggu_mz)
    client.get(reverse("deadlines:list"))
    with django_assert_max_num_queries(12):
        client.get(reverse("deadlines:list"))
