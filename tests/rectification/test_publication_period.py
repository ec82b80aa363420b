"""Publication period of penalties and rectification results: set when published from the
per-kind default, shown on the public list, the institution page and the CSV/JSON downloads up to
and including ``published_until``, gone from all of them the day after, with no job; staff still
see the item and its expiry.

The public pages read the day from ``inspections.rectification.public.today``, which the tests
patch to days relative to each item, so nothing depends on the real date."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
from django.core.cache import cache

from inspections.rectification import services
from inspections.rectification.models import (
    NoticeStatus,
    Penalty,
    RectificationNotice,
    publication_end,
)
from supervision.workcal.services import add_months

pytestmark = pytest.mark.django_db

SEEN = "现场查看：值班记录已补齐"


def record(world, site, **extra) -> Penalty:
    data = dict(
        decision_number="阳民罚决字〔2026〕3号",
        kind="fine",
        fine_amount=Decimal("20000"),
        facts="未按规定建立入住评估制度",
        legal_basis="《养老机构管理办法》第四十六条",
        decided_on=dt.date(2026, 10, 20),
        findings=[site.duty],
    )
    data.update(extra)
    return services.penalty_record(site.home, actor=world.yanggu_mz, **data)


def close(world, site, notice: RectificationNotice) -> RectificationNotice:
    item = notice.items.get()
    services.item_respond(item, actor=world.yanggu_mz, action_taken="已补齐值班记录")
    services.item_accept(
        item,
        actor=world.yanggu_mz,
        acceptor=site.mz_inspector,
        observed=SEEN,
        reinspected_on=dt.date(2026, 10, 12),
    )
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.CLOSED
    return notice


def public_on(day: dt.date):
    cache.clear()  # each day's pages are computed afresh (in production the cache ends at midnight)
    return mock.patch("inspections.rectification.public.today", return_value=day)


def everything_public(client, credit_code: str) -> str:
    urls = (
        "/public/rectification/",
        "/public/rectification/penalties/",
        f"/public/institutions/{credit_code}/",
        "/public/api/penalties.csv",
        "/public/api/penalties.json",
        "/public/api/rectification_results.csv",
        "/public/api/rectification_results.json",
    )
    out = []
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        out.append(f"## {url}\n" + response.content.decode("utf-8-sig"))
    return "\n".join(out)


def test_default_periods_follow_the_credit_repair_terms():
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2026, 11, 30), 3) == dt.date(2027, 2, 28)
    # a warning: 3 months from the decision; any other penalty: 3 years (the maximum)
    assert publication_end(dt.date(2026, 1, 15), "penalty.warning") == dt.date(2026, 4, 14)
    assert publication_end(dt.date(2026, 1, 15), "penalty.fine") == dt.date(2029, 1, 14)
    assert publication_end(dt.date(2026, 1, 15), "rectification_result") == dt.date(2027, 1, 14)


def test_the_setting_overrides_a_default(settings):
    settings.PUBLICATION_MONTHS = {"penalty.fine": 6}
    assert publication_end(dt.date(2026, 1, 15), "penalty.fine") == dt.date(2026, 7, 14)
    assert publication_end(dt.date(2026, 1, 15), "penalty.suspension") == dt.date(2029, 1, 14)


def test_publishing_sets_the_period_from_the_decision_and_the_kind(world, site):
    fine = record(world, site)
    warning = record(world, site, decision_number="阳民罚决字〔2026〕4号", kind="warning", fine_amount=None)
    assert fine.published_until == dt.date(2029, 10, 19)
    assert warning.published_until == dt.date(2027, 1, 19)


def test_a_penalty_leaves_every_public_page_the_day_after_its_period(world, site, client, client_for):
    penalty = record(world, site, kind="warning", fine_amount=None)
    last = penalty.published_until
    assert last == dt.date(2027, 1, 19)
    with public_on(last):
        body = everything_public(client, site.home.credit_code)
    assert body.count("阳民罚决字〔2026〕3号") == 4  # list, institution page, CSV, JSON
    assert "公示至 2027-01-19" in body  # the institution page says until when
    assert '"published_until": "2027-01-19"' in body
    with public_on(last + dt.timedelta(days=1)):
        body = everything_public(client, site.home.credit_code)
    assert "阳民罚决字〔2026〕3号" not in body
    # staff still see it, with its expiry
    staff = client_for(world.yanggu_mz)
    with mock.patch("django.utils.timezone.localdate", return_value=last + dt.timedelta(1)):
        listing = staff.get("/inspections/rectification/penalties/").content.decode()
        detail = staff.get(f"/inspections/rectification/penalties/{penalty.pk}/").content.decode()
    assert "阳民罚决字〔2026〕3号" in listing and "2027-01-19" in listing and "公示期满" in listing
    assert "2027-01-19" in detail and "公示期满，已撤下" in detail
    assert staff.get("/api/v1/penalties/").json()["results"][0]["published_until"] == "2027-01-19"


def test_a_rectification_result_leaves_every_public_page_the_day_after_its_period(
    world, site, issued, client, client_for
):
    notice = close(world, site, issued(site.duty))
    last = notice.published_until
    assert last == publication_end(notice.published_on, "rectification_result")
    with public_on(last):
        body = everything_public(client, site.home.credit_code)
    assert body.count(notice.number) == 4  # results list, institution page, CSV, JSON
    assert f"公开至 {last:%Y-%m-%d}" in body
    with public_on(last + dt.timedelta(days=1)):
        body = everything_public(client, site.home.credit_code)
    assert notice.number not in body
    staff = client_for(world.yanggu_mz)
    with mock.patch("django.utils.timezone.localdate", return_value=last + dt.timedelta(1)):
        detail = staff.get(f"/inspections/rectification/notices/{notice.pk}/").content.decode()
    assert notice.number in detail and f"{last:%Y-%m-%d}" in detail and "公示期满，已撤下" in detail


def test_an_item_without_a_period_is_not_public(world, site, client):
    penalty = record(world, site)
    Penalty.objects.filter(pk=penalty.pk).update(published_until=None)
    with public_on(dt.date(2026, 10, 21)):
        assert "阳民罚决字〔2026〕3号" not in everything_public(client, site.home.credit_code)


def test_the_migration_gives_rows_published_before_it_the_default_period(world, site):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("inspections.rectification.migrations.0002_publication_period")
    fine = record(world, site)
    warning = record(world, site, decision_number="阳民罚决字〔2026〕4号", kind="warning", fine_amount=None)
    Penalty.objects.update(published_until=None, public_changed_at=None)
    migration.backfill(apps, None)
    fine.refresh_from_db()
    warning.refresh_from_db()
    assert fine.published_until == dt.date(2029, 10, 19) and warning.published_until == dt.date(2027, 1, 19)
    assert fine.public_changed_at == fine.created_at


def test_a_public_list_is_not_cached_past_midnight():
    from django.http import HttpResponse
    from django.utils import timezone

    from inspections.rectification.public import _until_midnight

    late = timezone.make_aware(dt.datetime(2026, 10, 5, 23, 59, 30))
    with mock.patch("inspections.rectification.public.timezone.localtime", return_value=late):
        assert _until_midnight(HttpResponse()).public_max_age == 30  # type: ignore[attr-defined]


def test_staff_filter_penalties_by_publication(world, site, client_for):
    record(world, site)
    ended = record(world, site, decision_number="阳民罚决字〔2026〕4号")
    Penalty.objects.filter(pk=ended.pk).update(published_until=dt.date(2026, 10, 25))
    api = client_for(world.yanggu_mz)
    day = dt.date(2026, 11, 1)
    with mock.patch("inspections.rectification.filters.timezone.localdate", return_value=day):
        current = api.get("/api/v1/penalties/?publication=current").json()["results"]
        past = api.get("/api/v1/penalties/?publication=ended").json()["results"]
        page = api.get("/inspections/rectification/penalties/?publication=ended").content.decode()
    assert [p["decision_number"] for p in current] == ["阳民罚决字〔2026〕3号"]
    assert [p["decision_number"] for p in past] == ["阳民罚决字〔2026〕4号"]
    assert "阳民罚决字〔2026〕4号" in page and "阳民罚决字〔2026〕3号" not in page
