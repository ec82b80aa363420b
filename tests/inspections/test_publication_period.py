"""Publication period of inspection results (一公开): set when published from the default table,
shown on the public list, the result page, the institution page and the CSV/JSON downloads up
to and including ``published_until``, gone from all of them the day after with no job; staff
still see the result and its expiry; the change feed reports the expiry once, never early.

Every moment is explicit: the tests patch ``django.utils.timezone.now`` (which the services,
the public pages and the feed all read), so nothing depends on the real date."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from unittest import mock

import pytest
from django.core.cache import cache

from inspections import services
from inspections.models import Inspection, publication_end
from supervision.publicity.registry import day_start
from supervision.workcal.services import add_months
from tests.inspections.factories import close_complete

pytestmark = pytest.mark.django_db

SUMMARY = "消防通道畅通（公开期测试）"
PUBLISHED = day_start(dt.date(2026, 3, 2)) + dt.timedelta(hours=10)  # 2026-03-02 10:00 local
LAST = dt.date(2027, 3, 1)  # 12 months from 2026-03-02, inclusive


@contextmanager
def at(moment: dt.datetime):
    cache.clear()  # each moment's pages are computed afresh (in production the cache ends at midnight)
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def noon(day: dt.date) -> dt.datetime:
    return day_start(day) + dt.timedelta(hours=12)


def publish(field, world) -> Inspection:
    inspection = services.inspection_create(
        field.homes[0], actor=world.yanggu_mz, kind="special", team=field.inspectors[:2]
    )
    close_complete(inspection, actor=world.yanggu_mz, inspected_on=dt.date(2026, 2, 27))
    with at(PUBLISHED):
        return services.inspection_publish(inspection, actor=world.yanggu_mz, summary=SUMMARY)


def public_bodies(client, inspection: Inspection) -> dict[str, str]:
    urls = {
        "list": "/public/inspections/results/",
        "index": "/public/inspections/",
        "institution": f"/public/institutions/{inspection.institution.credit_code}/",
        "csv": "/public/api/inspection_results.csv",
        "json": "/public/api/inspection_results.json",
    }
    out = {}
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, url
        out[name] = response.content.decode("utf-8-sig")
    return out


def test_default_period_and_override(settings):
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert publication_end(dt.date(2026, 1, 15), "inspection_result") == dt.date(2027, 1, 14)
    settings.PUBLICATION_MONTHS = {"inspection_result": 36}
    assert publication_end(dt.date(2026, 1, 15), "inspection_result") == dt.date(2029, 1, 14)


def test_publishing_sets_the_period_from_the_publication_day(field, world):
    inspection = publish(field, world)
    assert inspection.published_at == PUBLISHED
    assert inspection.published_until == LAST
    # republishing is a no-op: the period does not move
    with at(noon(dt.date(2026, 6, 1))):
        again = services.inspection_publish(inspection, actor=world.yanggu_mz)
    assert again.published_until == LAST


def test_a_result_is_public_on_its_last_day_and_gone_the_next(field, world, client, client_for):
    inspection = publish(field, world)
    link = f"/public/inspections/results/{inspection.pk}/"
    with at(noon(LAST)):
        bodies = public_bodies(client, inspection)
        detail = client.get(link)
    assert link in bodies["list"] and link in bodies["index"]
    assert SUMMARY in bodies["institution"] and "公开至 2027-03-01" in bodies["institution"]
    assert SUMMARY in bodies["csv"] and "2027-03-01" in bodies["csv"]
    assert SUMMARY in bodies["json"] and '"published_until": "2027-03-01"' in bodies["json"]
    assert detail.status_code == 200 and SUMMARY in detail.content.decode()

    with at(noon(LAST + dt.timedelta(days=1))):
        bodies = public_bodies(client, inspection)
        detail = client.get(link)
    for name, body in bodies.items():
        assert link not in body and SUMMARY not in body, name
    assert detail.status_code == 404

    # staff still see it, with its expiry
    staff = client_for(world.yanggu_mz)
    with mock.patch("django.utils.timezone.localdate", return_value=LAST + dt.timedelta(days=1)):
        page = staff.get(f"/inspections/{inspection.pk}/").content.decode()
    assert "2027-03-01" in page and "公示期满，已撤下" in page
    assert staff.get(f"/api/v1/inspections/{inspection.pk}/").json()["published_until"] == "2027-03-01"


def test_a_result_without_a_period_is_not_public(field, world, client):
    inspection = publish(field, world)
    Inspection.objects.filter(pk=inspection.pk).update(published_until=None)
    with at(noon(dt.date(2026, 3, 3))):
        bodies = public_bodies(client, inspection)
    assert all(SUMMARY not in body for body in bodies.values())


def follow(client, since: dt.datetime, now: dt.datetime) -> list[dict]:
    url = "/public/api/changes/?limit=2&since=" + since.isoformat().replace("+", "%2B")
    out = []
    with mock.patch("django.utils.timezone.now", return_value=now):
        while url:
            body = client.get(url).json()
            out += body["results"]
            url = body["next"]
    return [c for c in out if c["dataset"] == "inspection_results"]


def when(change: dict) -> dt.datetime:
    return dt.datetime.fromisoformat(change["changed_at"])


def test_the_feed_reports_the_expiry_once_it_has_happened(field, world, client):
    inspection = publish(field, world)
    key = str(inspection.pk)
    since = PUBLISHED - dt.timedelta(hours=1)
    end = day_start(LAST + dt.timedelta(days=1))

    # read on the last day: the publication only, no expiry yet
    early = follow(client, since, day_start(LAST) + dt.timedelta(hours=23))
    assert [(c["key"], c["action"]) for c in early] == [(key, "upsert")]
    assert early[0]["payload"]["published_until"] == "2027-03-01"

    # read after it: the publication, then the delete at the midnight after the last day
    late = follow(client, since, noon(LAST + dt.timedelta(days=1)))
    assert [(c["key"], c["action"], when(c)) for c in late] == [
        (key, "upsert", PUBLISHED),
        (key, "delete", end),
    ]
    assert late[1]["payload"] is None
    # a mirror that read on the last day learns of the expiry exactly once
    assert [
        (c["action"], when(c)) for c in follow(client, day_start(LAST), noon(LAST + dt.timedelta(1)))
    ] == [("delete", end)]
    assert follow(client, end, noon(LAST + dt.timedelta(days=30))) == []


def test_the_migration_gives_published_rows_the_default_period(field, world):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("inspections.migrations.0005_publication_period")
    inspection = publish(field, world)
    Inspection.objects.filter(pk=inspection.pk).update(published_until=None)
    migration.backfill(apps, None)
    inspection.refresh_from_db()
    assert inspection.published_until == LAST
