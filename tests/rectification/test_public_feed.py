"""The change feed carries penalties and rectification results: exactly the changes after
``since`` — publication, a change of the public row (appeal status), revocation (delete) and the
end of the publication period (delete at the midnight after ``published_until``) — each once,
in time order, across cursor pages; an expiry still in the future is not reported.

Every time is explicit and in the past (the feed never reports what has not happened yet)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest

from inspections.rectification import services
from inspections.rectification.models import NoticeStatus, Penalty, RectificationNotice
from supervision.publicity.registry import day_start

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.UTC)
FAR = dt.date(2029, 12, 31)
NOW = dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.UTC)  # the feed is read then: after every change


def follow(client, since: dt.datetime, dataset: str, now: dt.datetime = NOW) -> list[dict]:
    """Every change of ``dataset`` after ``since``, following ``next``, read at ``now``."""
    url = "/public/api/changes/?limit=2&since=" + since.isoformat().replace("+", "%2B")
    out = []
    with mock.patch("django.utils.timezone.now", return_value=now):
        while url:
            body = client.get(url).json()
            out += body["results"]
            url = body["next"]
    return [c for c in out if c["dataset"] == dataset]


def penalty(world, site, n: int, changed: dt.datetime, until: dt.date, **extra) -> Penalty:
    p = services.penalty_record(
        site.home,
        actor=world.yanggu_mz,
        decision_number=f"阳民罚决字〔2026〕{n}号",
        kind="fine",
        fine_amount=Decimal("5000"),
        facts="未按规定建立入住评估制度",
        legal_basis="《养老机构管理办法》第四十六条",
        decided_on=dt.date(2026, 9, 1),
    )
    Penalty.objects.filter(pk=p.pk).update(public_changed_at=changed, published_until=until, **extra)
    return p


def test_penalty_changes_after_since(world, site, client):
    shown = penalty(world, site, 1, T0 + dt.timedelta(hours=1), FAR)
    revoked = penalty(world, site, 2, T0 + dt.timedelta(hours=2), FAR, appeal_status="revoked")
    expired = penalty(world, site, 3, T0 - dt.timedelta(days=1), dt.date(2026, 10, 5))
    penalty(world, site, 4, T0 - dt.timedelta(days=1), FAR)  # before since, still public: nothing
    penalty(world, site, 5, T0 - dt.timedelta(days=3), dt.date(2026, 9, 29))  # expired before since

    items = follow(client, T0, "penalties")
    assert [(c["key"], c["action"]) for c in items] == [
        (str(shown.pk), "upsert"),
        (str(revoked.pk), "delete"),
        (str(expired.pk), "delete"),
    ]
    assert items[0]["payload"]["decision_number"] == "阳民罚决字〔2026〕1号"
    assert items[0]["payload"]["published_until"] == "2029-12-31"
    assert items[0]["payload"]["legal_representative"] == "张**"
    assert items[1]["payload"] is None and items[2]["payload"] is None
    assert items[2]["changed_at"] == day_start(dt.date(2026, 10, 6)).isoformat()

    # from a later point only what follows it
    assert [c["key"] for c in follow(client, T0 + dt.timedelta(hours=1), "penalties")] == [
        str(revoked.pk),
        str(expired.pk),
    ]
    assert follow(client, day_start(dt.date(2026, 10, 6)), "penalties") == []


def test_appeal_change_is_a_change_and_revocation_a_delete(world, site, client):
    p = penalty(world, site, 1, T0 - dt.timedelta(days=1), FAR)
    assert follow(client, T0, "penalties") == []
    with mock.patch("django.utils.timezone.now", return_value=T0 + dt.timedelta(hours=1)):
        services.penalty_set_appeal(p, actor=world.yanggu_mz, status="reconsideration")
    (change,) = follow(client, T0, "penalties")
    assert change["action"] == "upsert" and change["payload"]["appeal"] == "行政复议中"
    assert change["changed_at"] == (T0 + dt.timedelta(hours=1)).isoformat()
    with mock.patch("django.utils.timezone.now", return_value=T0 + dt.timedelta(hours=2)):
        services.penalty_set_appeal(p, actor=world.yanggu_mz, status="revoked")
    (change,) = follow(client, T0 + dt.timedelta(hours=1), "penalties")
    assert change["action"] == "delete" and change["key"] == str(p.pk)


def test_an_expiry_is_reported_once_it_has_happened(world, site, client):
    p = penalty(world, site, 1, T0, dt.date(2026, 11, 5))
    before = follow(client, T0 - dt.timedelta(hours=1), "penalties", now=day_start(dt.date(2026, 11, 5)))
    assert [c["action"] for c in before] == ["upsert"]
    # a mirror that read then and comes back after the period learns of the expiry
    after = follow(client, T0, "penalties", now=day_start(dt.date(2026, 11, 6)))
    assert [(c["key"], c["action"], c["changed_at"]) for c in after] == [
        (str(p.pk), "delete", day_start(dt.date(2026, 11, 6)).isoformat())
    ]


def result(site, issued, changed: dt.datetime, until: dt.date) -> RectificationNotice:
    notice = issued(site.duty)
    RectificationNotice.objects.filter(pk=notice.pk).update(
        status=NoticeStatus.CLOSED,
        closed_at=changed,
        published_on=changed.date(),
        published_until=until,
    )
    return notice


def test_rectification_result_changes_after_since(site, issued, client):
    expired = result(site, issued, T0 - dt.timedelta(days=30), dt.date(2026, 10, 3))
    published = result(site, issued, T0 + dt.timedelta(minutes=30), FAR)
    result(site, issued, T0 - dt.timedelta(days=1), FAR)  # published before since: nothing
    open_notice = issued(site.duty)  # issued, not closed: never public
    assert open_notice.published_on is None

    items = follow(client, T0, "rectification_results")
    assert [(c["key"], c["action"]) for c in items] == [
        (str(published.pk), "upsert"),
        (str(expired.pk), "delete"),
    ]
    assert items[0]["payload"]["number"] == published.number
    assert items[0]["payload"]["published_until"] == "2029-12-31"
    assert items[1]["changed_at"] == day_start(dt.date(2026, 10, 4)).isoformat()


def test_the_sources_are_registered_and_listed_on_the_open_data_page(client):
    from supervision.publicity.registry import public_feeds

    assert {"penalties", "rectification_results", "credit_listings"} <= set(public_feeds())
    body = client.get("/public/api/schema/").content.decode()
    for key in ("penalties", "rectification_results", "credit_listings"):
        assert f"<code>{key}</code>" in body
