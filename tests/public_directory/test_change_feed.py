"""The directory's change feed returns exactly the changes after ``since``, directly and
through publicity's /public/api/changes/."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from institutions.models import Institution
from institutions.public import directory_changes

pytestmark = pytest.mark.django_db


@pytest.fixture
def changed(directory):
    since = timezone.now() + dt.timedelta(seconds=1)
    later = since + dt.timedelta(seconds=5)
    Institution.objects.filter(pk__in=[directory.b.pk, directory.d.pk]).update(updated_at=later)
    Institution.objects.filter(pk=directory.c.pk).update(updated_at=later, status="terminated")
    Institution.objects.filter(pk=directory.black.pk).update(updated_at=later)  # no code: never in the feed
    return since, later


def test_changes_after_since(directory, changed):
    since, later = changed
    changes = list(directory_changes(since))
    assert {(c["key"], c["action"]) for c in changes} == {
        (directory.b.credit_code, "upsert"),
        (directory.d.credit_code, "upsert"),
        (directory.c.credit_code, "delete"),
    }
    assert [(c["changed_at"], c["key"]) for c in changes] == sorted(
        (c["changed_at"], c["key"]) for c in changes
    )
    upsert = next(c for c in changes if c["key"] == directory.d.credit_code)
    assert upsert["payload"]["grade"] == 5 and upsert["dataset"] == "institutions"
    assert next(c for c in changes if c["action"] == "delete")["payload"] is None
    assert list(directory_changes(later)) == []


def test_feed_is_merged_into_the_public_change_feed(client, directory, changed):
    since, _later = changed
    data = client.get("/public/api/changes/", {"since": since.isoformat()}).json()
    mine = [(c["key"], c["action"]) for c in data["results"] if c["dataset"] == "institutions"]
    assert sorted(mine) == sorted(
        [
            (directory.b.credit_code, "upsert"),
            (directory.d.credit_code, "upsert"),
            (directory.c.credit_code, "delete"),
        ]
    )


def test_dataset_is_listed_in_open_data(client, directory):
    data = client.get("/public/api/institutions.json")
    assert data.status_code == 200
    assert directory.a.credit_code in data.content.decode()
    assert directory.not_operating.credit_code not in data.content.decode()
