"""The campaign page and the task list API cost a fixed number of queries, however many tasks and
bodies there are (no N+1 through assignments, clocks or departments)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from rest_framework.test import APIClient

from supervision.campaigns import services

pytestmark = pytest.mark.django_db


def more_tasks(world, cw, n: int) -> None:
    for i in range(n):
        services.task_add(
            cw.campaign,
            actor=world.yanggu_mz,
            title=f"任务{i}",
            lead_department=world.mz,
            responsible_departments=[world.xf, world.sj],
            townships_report=True,
            report_by=dt.date(2026, 12, 20),
        )


def counts(world, cw, django_assert_max_num_queries) -> None:
    c = Client()
    c.force_login(world.yanggu_mz)
    api = APIClient()
    api.force_authenticate(world.yanggu_mz)
    with django_assert_max_num_queries(30):
        assert c.get(f"/campaigns/{cw.campaign.pk}/").status_code == 200
    with django_assert_max_num_queries(20):
        assert api.get("/api/v1/tasks/").status_code == 200


def test_the_campaign_page_and_the_task_api_do_not_grow_with_tasks(world, cw, django_assert_max_num_queries):
    services.campaign_launch(cw.campaign, actor=world.yanggu_mz)
    more_tasks(world, cw, 1)
    c = Client()
    c.force_login(world.yanggu_mz)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        c.get(f"/campaigns/{cw.campaign.pk}/")
    more_tasks(world, cw, 6)
    with CaptureQueriesContext(connection) as many:
        c.get(f"/campaigns/{cw.campaign.pk}/")
    assert len(many) == len(few)
    counts(world, cw, django_assert_max_num_queries)
