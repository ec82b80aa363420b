"""The change feed returns exactly the changes after ``since``, in order, paginated with a
cursor that resumes where the last page stopped, across the table and derived feeds."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from supervision.publicity import registry
from supervision.publicity.models import PublicChange
from supervision.publicity.services import record_public_change

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.UTC)


def change(n: int, minutes: int, action: str = "upsert") -> PublicChange:
    c = record_public_change("policies", f"k{n}", action, {"title": f"t{n}"})
    PublicChange.objects.filter(seq=c.seq).update(at=T0 + dt.timedelta(minutes=minutes))
    return c


def follow(client, url: str) -> list[dict]:
    out = []
    while url:
        body = client.get(url).json()
        out += body["results"]
        url = body["next"]
    return out


def test_exactly_the_changes_after_since(client):
    for n in range(1, 8):
        change(n, n)
    change(8, 9, "delete")
    since = (T0 + dt.timedelta(minutes=3)).isoformat()
    items = follow(client, f"/public/api/changes/?since={since}&limit=2")
    assert [c["key"] for c in items] == ["k4", "k5", "k6", "k7", "k8"]
    assert items[-1]["action"] == "delete" and items[-1]["payload"] is None
    assert items[0]["payload"] == {"title": "t4"}
    # a change exactly at ``since`` is not after it
    assert (
        next(
            c["key"]
            for c in follow(
                client,
                "/public/api/changes/?since="
                + (T0 + dt.timedelta(minutes=4)).isoformat().replace("+", "%2B"),
            )
        )
        == "k5"
    )


def test_cursor_resumes_without_gaps_or_repeats(client):
    change(1, 1)
    body = client.get("/public/api/changes/?since=2026-10-01T00:00:00%2B00:00").json()
    assert [c["key"] for c in body["results"]] == ["k1"] and body["next"] is None
    cursor = body["cursor"]
    assert client.get(f"/public/api/changes/?since={cursor}").json()["results"] == []
    change(2, 0)  # committed later, with an earlier clock: still delivered (seq order)
    change(3, 5)
    assert [c["key"] for c in client.get(f"/public/api/changes/?since={cursor}").json()["results"]] == [
        "k2",
        "k3",
    ]


def test_derived_feeds_are_merged_in_time_order(client):
    def fake(since):
        rows = [
            {
                "dataset": "fake",
                "key": "a",
                "action": "upsert",
                "changed_at": (T0 + dt.timedelta(minutes=2)).isoformat(),
                "payload": {},
            },
            {
                "dataset": "fake",
                "key": "b",
                "action": "withdraw",
                "changed_at": (T0 + dt.timedelta(minutes=2)).isoformat(),
                "payload": None,
            },
            {
                "dataset": "fake",
                "key": "c",
                "action": "upsert",
                "changed_at": (T0 + dt.timedelta(minutes=4)).isoformat(),
                "payload": {},
            },
        ]
        return [r for r in rows if dt.datetime.fromisoformat(r["changed_at"]) > since]

    registry.register_public_feed("zz_fake", fake)
    try:
        change(1, 1)
        change(2, 3)
        items = follow(client, "/public/api/changes/?since=2026-10-01T00:00:00%2B00:00&limit=1")
        assert [(c["dataset"], c["key"]) for c in items if c["dataset"] in ("fake", "policies")] == [
            ("policies", "k1"),
            ("fake", "a"),
            ("fake", "b"),
            ("policies", "k2"),
            ("fake", "c"),
        ]
    finally:
        registry._feeds.pop("zz_fake", None)


def test_bad_since_is_a_clear_400(client):
    response = client.get("/public/api/changes/?since=yesterday!")
    assert response.status_code == 400 and "ISO 8601" in response.json()["detail"]


def test_institution_directory_feed_is_merged(client, world):
    from tests.institutions.factories import InstitutionFactory

    since = timezone.now() - dt.timedelta(seconds=1)
    inst = InstitutionFactory(status="filed", region=world.yanggu_town)
    items = client.get(f"/public/api/changes/?since={since.isoformat().replace('+', '%2B')}").json()[
        "results"
    ]
    assert ("institutions", inst.credit_code) in {(c["dataset"], c["key"]) for c in items}


def test_a_change_committed_late_is_not_skipped(client):
    """seq is taken at INSERT and seen at COMMIT: a reader must not resume past a number that a
    still-open transaction holds. A gap holds the table back until it is older than the settle
    window (a rollback), and the late change is then served once."""
    change(1, 1)
    cursor = client.get("/public/api/changes/?since=2026-10-01T00:00:00%2B00:00").json()["cursor"]
    in_flight = record_public_change("policies", "k2", "upsert", {"title": "t2"})
    PublicChange.objects.filter(seq=in_flight.seq).delete()  # not committed yet: invisible
    third = record_public_change("policies", "k3", "upsert", {"title": "t3"})  # committed, now
    assert client.get(f"/public/api/changes/?since={cursor}").json()["results"] == []
    # the transaction commits: k2 and then k3 are served, in order, once
    PublicChange.objects.create(seq=in_flight.seq, dataset="policies", key="k2", action="upsert", at=third.at)
    assert [c["key"] for c in follow(client, f"/public/api/changes/?since={cursor}")] == ["k2", "k3"]


def test_a_rolled_back_number_holds_the_feed_for_the_settle_window_only(client, settings):
    settings.PUBLIC_FEED_SETTLE_SECONDS = 60
    change(1, 1)
    cursor = client.get("/public/api/changes/?since=2026-10-01T00:00:00%2B00:00").json()["cursor"]
    rolled_back = record_public_change("policies", "k2", "upsert", {})
    PublicChange.objects.filter(seq=rolled_back.seq).delete()
    third = record_public_change("policies", "k3", "upsert", {"title": "t3"})
    assert client.get(f"/public/api/changes/?since={cursor}").json()["results"] == []
    PublicChange.objects.filter(seq=third.seq).update(at=timezone.now() - dt.timedelta(seconds=61))
    assert [c["key"] for c in follow(client, f"/public/api/changes/?since={cursor}")] == ["k3"]


def test_a_first_page_asked_by_time_does_not_skip_a_late_commit(client):
    """The same guarantee on the very first page, asked with a timestamp and no cursor yet."""
    change(1, 1)
    since = (T0 + dt.timedelta(minutes=1, microseconds=1)).isoformat().replace("+", "%2B")
    in_flight = record_public_change("policies", "k2", "upsert", {"title": "t2"})
    PublicChange.objects.filter(seq=in_flight.seq).delete()  # not committed yet: invisible
    third = record_public_change("policies", "k3", "upsert", {"title": "t3"})
    assert client.get(f"/public/api/changes/?since={since}").json()["results"] == []
    PublicChange.objects.create(seq=in_flight.seq, dataset="policies", key="k2", action="upsert", at=third.at)
    assert [c["key"] for c in follow(client, f"/public/api/changes/?since={since}")] == ["k2", "k3"]
