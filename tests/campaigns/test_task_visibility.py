"""Who sees which tasks: civil affairs (the organiser) every body's; a partner department its own
tasks; a township only its township's; the sibling county nothing — in pages and in the API."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from supervision.campaigns import services
from supervision.campaigns.models import Campaign, CampaignTask, TaskAssignment

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_task(world, cw):
    """A task for market regulation only (fire rescue and the townships have no part in it)."""
    return services.task_add(
        cw.campaign, actor=world.yanggu_mz, title="整治老年人产品消费领域侵权行为",
        lead_department=world.mz, responsible_departments=[world.sj], report_by=cw.task.report_by,
    )  # fmt: skip


def bodies(user) -> set[tuple[str, str]]:
    return {(a.department.code, a.region.name) for a in TaskAssignment.objects.visible_to(user)}


def test_the_organiser_sees_every_body(world, cw, other_task):
    assert bodies(world.yanggu_mz) == {
        ("civil_affairs", "阳谷县"), ("fire_rescue", "阳谷县"), ("civil_affairs", "博济桥街道"),
        ("market_regulation", "阳谷县"),
    }  # fmt: skip
    assert set(CampaignTask.objects.visible_to(world.yanggu_mz)) == {cw.task, other_task}


def test_a_partner_department_sees_its_own_tasks_only(world, cw, other_task):
    assert bodies(world.yanggu_xf) == {("fire_rescue", "阳谷县")}
    assert list(CampaignTask.objects.visible_to(world.yanggu_xf)) == [cw.task]
    assert list(Campaign.objects.visible_to(world.yanggu_xf)) == [cw.campaign]
    assert list(CampaignTask.objects.visible_to(cw.sj_user)) == [other_task]


def test_a_township_sees_only_its_township(world, cw, other_task):
    assert bodies(cw.township_user) == {("civil_affairs", "博济桥街道")}
    assert list(CampaignTask.objects.visible_to(cw.township_user)) == [cw.task]


def test_the_sibling_county_sees_nothing(world, cw):
    assert not TaskAssignment.objects.visible_to(world.dongchangfu_mz).exists()
    assert not Campaign.objects.visible_to(world.dongchangfu_mz).exists()
    c = Client()
    c.force_login(world.dongchangfu_mz)
    assert c.get(f"/campaigns/{cw.campaign.pk}/").status_code == 404
    a = cw.task.assignments.get(role="township")
    assert c.get(f"/campaigns/assignments/{a.pk}/").status_code == 404


def test_pages_and_api_show_a_township_its_own_part(world, cw, other_task):
    c = Client()
    c.force_login(cw.township_user)
    page = c.get(f"/campaigns/{cw.campaign.pk}/").content.decode()
    assert "报送消防审验问题专题报告" in page and "整治老年人产品消费领域侵权行为" not in page
    assert "博济桥街道民政" in page and "阳谷县消防救援" not in page
    api = APIClient()
    api.force_authenticate(cw.township_user)
    rows = api.get("/api/v1/tasks/").json()["results"]
    assert [r["title"] for r in rows] == ["报送消防审验问题专题报告"]
    assert [(x["region_code"], x["department_code"]) for x in rows[0]["assignments"]] == [
        ("371521100000", "civil_affairs")
    ]
    api.force_authenticate(world.dongchangfu_mz)
    assert api.get("/api/v1/tasks/").json()["count"] == 0
    assert api.get("/api/v1/campaigns/").json()["count"] == 0
