"""Policy pages: public while inside their period, gone after publish_until without any job;
managed by lead-department administrators only; every change reaches the change feed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from supervision.publicity.models import PolicyPage, PublicChange

from .conftest import policy

pytestmark = pytest.mark.django_db


def test_pages_leave_after_publish_until(client, world):
    now = timezone.now()
    live = policy(world, title="现行政策", slug="live", publish_until=now + dt.timedelta(days=3))
    gone = policy(
        world,
        title="过期政策",
        slug="gone",
        publish_from=now - dt.timedelta(days=10),
        publish_until=now - dt.timedelta(seconds=1),
    )
    future = policy(world, title="未来政策", slug="future", publish_from=now + dt.timedelta(days=1))
    text = client.get("/public/policies/").content.decode()
    assert live.title in text and gone.title not in text and future.title not in text
    assert client.get("/public/policies/live/").status_code == 200
    assert client.get("/public/policies/gone/").status_code == 404
    assert client.get("/public/policies/future/").status_code == 404
    rows = client.get("/public/api/policies.json").json()["results"]
    assert [r["slug"] for r in rows] == ["live"]


def test_cached_list_never_outlives_the_next_expiry(client, world):
    soon = policy(world, slug="soon", publish_until=timezone.now() + dt.timedelta(seconds=30))
    client.get("/public/policies/")
    response = client.get("/public/policies/")
    assert response["X-Public-Cache"] == "hit" and soon.title in response.content.decode()
    # the list was stored for at most the 30 s until ``soon`` expires (not the 60 s TTL)
    from django.core.cache import cache

    if not hasattr(cache, "_expire_info"):
        pytest.skip("inspects the local-memory cache's expiry table")
    keys = [k for k in getattr(cache, "_cache", {}) if "publicity:page:" in k]
    assert keys and all(cache._expire_info[k] - __import__("time").time() <= 31 for k in keys)


def test_body_is_escaped_text(client, world):
    policy(world, slug="x", body="<script>alert(1)</script>\n\n第二段")
    text = client.get("/public/policies/x/").content.decode()
    assert "<script>alert(1)" not in text and "&lt;script&gt;" in text and "<p>第二段</p>" in text


def test_only_lead_admins_manage_and_feed_records(client_for, world, yanggu_admin):
    for user in (world.yanggu_mz, world.yanggu_xf):  # an inspector, a partner department
        assert client_for(user).get("/public/manage/policies/").status_code == 404
    c = client_for(yanggu_admin)
    assert c.get("/public/manage/policies/").status_code == 200
    data = {
        "category": "service",
        "title": "养老机构备案须知",
        "body": "备案材料……",
        "region": world.yanggu.pk,
        "publish_from": "2026-01-01T08:00",
    }
    bad = c.post("/public/manage/policies/new/", {**data, "region": world.dongchangfu.pk})
    assert bad.status_code == 200 and not PolicyPage.objects.exists()
    wrong_order = c.post("/public/manage/policies/new/", {**data, "publish_until": "2025-01-01T08:00"})
    assert "公开截止时间须晚于公开起始时间" in wrong_order.content.decode()
    assert c.post("/public/manage/policies/new/", data).status_code == 302
    page = PolicyPage.objects.get()
    assert page.slug and page.created_by == yanggu_admin
    change = PublicChange.objects.get(dataset="policies")
    assert change.action == "upsert" and change.payload["title"] == "养老机构备案须知"
    assert c.post(f"/public/manage/policies/{page.pk}/withdraw/").status_code == 302
    page.refresh_from_db()
    assert not page.is_published()
    assert client_for(world.dongchangfu_mz).get(f"/public/manage/policies/{page.pk}/").status_code == 404
