"""已办 (work done by this user, from the audit trail) and 去办理 on a deadline's page."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from supervision.deadlines.models import LIVE_STATES, Deadline
from supervision.referrals.models import Referral

pytestmark = pytest.mark.django_db


def test_deadline_page_has_go_to_handle(county, client):
    clock = Deadline.objects.filter(
        content_type=ContentType.objects.get_for_model(Referral),
        object_id=county.sent.pk,
        state__in=LIVE_STATES,
    ).first()
    assert clock is not None
    client.force_login(county.xf)
    page = client.get(f"/deadlines/{clock.pk}/").content.decode()
    assert 'id="go-handle"' in page and f'href="/referrals/{county.sent.pk}/"' in page and "去办理" in page


def test_done_lists_my_own_work_with_total_and_links(county, client):
    client.force_login(county.xf)
    page = client.get("/workbench/done/").content.decode()
    mine = LogEntry.objects.filter(actor=county.xf).count()
    assert mine > 0
    assert f"共 {mine} 条" in page
    assert f'href="/referrals/{county.responded.pk}/"' in page
    assert "反馈" in page  # the referral's respond step, by its Chinese label
    # Work of others is not mine: civil affairs drafted that referral.
    assert "待发的消防问题抄告" not in page
    client.force_login(county.township)
    empty = client.get("/workbench/done/").content.decode()
    assert 'id="done-empty"' in empty and "共 0 条" in empty


def test_done_is_paginated_with_constant_queries(county, client):
    client.force_login(county.mz)
    client.get("/workbench/done/")
    with CaptureQueriesContext(connection) as first:
        client.get("/workbench/done/")
    for i in range(25):
        LogEntry.objects.log_create(
            county.homes[i % 3],
            force_log=True,
            action=LogEntry.Action.UPDATE,
            changes={"beds": ["80", str(81 + i)]},
            actor=county.mz,
            additional_data={"verb": "update"},
        )
    with CaptureQueriesContext(connection) as more:
        page = client.get("/workbench/done/").content.decode()
    assert "第 1 / " in page and 'href="/institutions/' in page
    assert len(more) == len(first)
