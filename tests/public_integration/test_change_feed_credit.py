"""The change feed carries the credit lists (joint punishment, watch, industry bans): an entry is
``upsert`` when it appears on the public list (published), ``delete`` when it leaves it — early
removal (信用修复), or the midnight after its term ends, before the sweep records the removal —
and steps that do not change the public list (an early-removal application) are not changes.
Keys are decision numbers; every time is explicit and in the past."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest

from credit.models import ListingProposal, ProposalEvent, ProposalState
from credit.public import public_row
from supervision.publicity.registry import day_start

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.UTC)
P = ProposalState
NOW = dt.datetime(2026, 11, 1, 12, 0, tzinfo=dt.UTC)  # the feed is read then: after every change


def follow(client, since: dt.datetime) -> list[dict]:
    """Every credit-list change after ``since``, following ``next``, read at ``NOW``."""
    url = "/public/api/changes/?limit=1&since=" + since.isoformat().replace("+", "%2B")
    out = []
    with mock.patch("django.utils.timezone.now", return_value=NOW):
        while url:
            body = client.get(url).json()
            out += body["results"]
            url = body["next"]
    return [c for c in out if c["dataset"] == "credit_listings"]


@pytest.fixture
def listing(demo_module, db) -> ListingProposal:
    """The demo's published listing, its procedure dated before ``T0`` and published at
    ``T0`` + 1 h, with a term from 2026-09-01."""
    p = ListingProposal.objects.get(state=P.PUBLISHED)
    p.events.all().update(at=T0 - dt.timedelta(days=10))
    p.events.filter(to_state=P.PUBLISHED).update(at=T0 + dt.timedelta(hours=1))
    ListingProposal.objects.filter(pk=p.pk).update(
        term_starts=dt.date(2026, 9, 1), term_ends=dt.date(2029, 8, 31), permanent=False
    )
    # Nothing else in the demo moves on the credit list after T0.
    ProposalEvent.objects.exclude(proposal=p).update(at=T0 - dt.timedelta(days=20))
    p.refresh_from_db()
    return p


def step(p: ListingProposal, frm: str, to: str, at: dt.datetime, name: str) -> None:
    ProposalEvent.objects.create(proposal=p, step=name, from_state=frm, to_state=to)
    ProposalEvent.objects.filter(proposal=p, step=name).update(at=at)
    ListingProposal.objects.filter(pk=p.pk).update(state=to)


def test_publication_is_an_upsert_with_the_public_row(listing, client):
    items = follow(client, T0)
    assert [(c["key"], c["action"]) for c in items] == [(listing.decision_number, "upsert")]
    row = items[0]["payload"]
    assert row == public_row(ListingProposal.objects.get(pk=listing.pk))  # the list's own row
    assert row["decision_number"] == listing.decision_number and row["term_ends"] == "2029-08-31"
    assert items[0]["changed_at"] == (T0 + dt.timedelta(hours=1)).isoformat()
    assert follow(client, T0 + dt.timedelta(hours=1)) == []


def test_early_removal_is_a_delete_and_the_application_no_change(listing, client):
    step(listing, P.PUBLISHED, P.REMOVAL_APPLIED, T0 + dt.timedelta(hours=2), "apply_removal")
    step(listing, P.REMOVAL_APPLIED, P.REMOVED, T0 + dt.timedelta(hours=3), "decide_removal")
    items = follow(client, T0)
    assert [(c["action"], c["changed_at"]) for c in items] == [
        ("upsert", (T0 + dt.timedelta(hours=1)).isoformat()),
        ("delete", (T0 + dt.timedelta(hours=3)).isoformat()),
    ]
    assert items[1]["payload"] is None and items[1]["key"] == listing.decision_number
    # from after the publication: only the removal
    assert [c["action"] for c in follow(client, T0 + dt.timedelta(hours=1))] == ["delete"]


def test_the_end_of_the_term_is_a_delete_at_midnight_before_the_sweep(listing, client):
    ListingProposal.objects.filter(pk=listing.pk).update(term_ends=dt.date(2026, 10, 5))
    # the daily sweep removes it two hours after the list stopped showing it: no second change
    swept = day_start(dt.date(2026, 10, 6)) + dt.timedelta(hours=2)
    step(listing, P.PUBLISHED, P.REMOVED, swept, "expire")
    items = follow(client, T0)
    assert [(c["action"], c["changed_at"]) for c in items] == [
        ("upsert", (T0 + dt.timedelta(hours=1)).isoformat()),
        ("delete", day_start(dt.date(2026, 10, 6)).isoformat()),
    ]
    assert follow(client, day_start(dt.date(2026, 10, 6))) == []


def test_an_entry_removed_before_since_brings_nothing(listing, client):
    step(listing, P.PUBLISHED, P.REMOVED, T0 + dt.timedelta(hours=3), "decide_removal")
    assert follow(client, T0 + dt.timedelta(hours=4)) == []
