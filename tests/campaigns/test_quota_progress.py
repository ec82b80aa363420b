"""Training quotas (003 附件2): each county's target, with the trainings counted from the training
records of caregivers in the county within the period — through the indicator registry, so the
figure is the one a dashboard shows. Without the counting indicator the page says so (—)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from rest_framework.test import APIClient

from supervision.campaigns import services
from supervision.campaigns.roster import CAREGIVER_TRAININGS, TrainingQuota
from supervision.core.models import Region
from supervision.indicators import registry

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def counted():
    """The institutions app registers the counting indicator (``institutions/indicators.py``)."""
    assert registry.get(CAREGIVER_TRAININGS).unit == "人次"


@pytest.fixture
def quota(world):
    return TrainingQuota.objects.create(
        programme="阳谷县2026年养老护理员培训任务", region=world.yanggu, target=4,
        period_start=D(2026, 1, 1), period_end=D(2026, 12, 31),
    )  # fmt: skip


JUNE = D(2026, 6, 1)


def train(world, n: int, *, role="caregiver", held_on=JUNE, region=None):
    from institutions.models import Person, Staff, TrainingRecord
    from tests.institutions.factories import InstitutionFactory

    home = InstitutionFactory(region=region or world.yanggu_town)
    for i in range(n):
        person = Person.objects.create(name=f"护理员{home.pk}{i}", id_hash=f"h{home.pk}-{role}-{i}-{held_on}")
        staff = Staff.objects.create(institution=home, person=person, role=role, hired_on=D(2025, 1, 1))
        TrainingRecord.objects.create(staff=staff, course="岗前培训", held_on=held_on)


def test_progress_counts_caregiver_trainings_in_the_county_and_period(world, quota, counted):
    train(world, 3)
    train(world, 1, role="medical")  # not a caregiver
    train(world, 1, held_on=D(2025, 12, 31))  # before the period
    train(world, 2, region=world.dongchangfu_town)  # another county
    [row] = services.quota_progress([quota], world.yanggu_mz)
    assert (row.done, row.rate, row.remaining) == (3, 75.0, 1)


def test_pages_and_api_show_the_progress(world, quota, counted):
    train(world, 2)
    c = Client()
    c.force_login(world.yanggu_mz)
    page = c.get("/campaigns/training-quotas/").content.decode()
    assert "阳谷县2026年养老护理员培训任务" in page and "50.0%" in page
    api = APIClient()
    api.force_authenticate(world.yanggu_mz)
    [row] = api.get("/api/v1/training-quotas/").json()["results"]
    assert (row["region_code"], row["target"], row["done"]) == ("371521000000", 4, 2)
    api.force_authenticate(world.dongchangfu_mz)
    assert api.get("/api/v1/training-quotas/").json()["count"] == 0


def test_without_the_indicator_progress_is_unknown_not_zero(world, quota, monkeypatch):
    monkeypatch.delitem(registry._registry, CAREGIVER_TRAININGS, raising=False)
    [row] = services.quota_progress([quota], world.yanggu_mz)
    assert row.done is None and row.rate is None


def test_the_demo_carries_the_003_table(db):
    from io import StringIO

    from supervision.campaigns import demo

    for code, name, _t in demo.QUOTAS_003:
        Region.objects.get_or_create(code=code, defaults={"name": name, "level": 3})
    demo._quotas(StringIO(), Region, TrainingQuota)
    rows = TrainingQuota.objects.filter(programme=demo.QUOTA_PROGRAMME)
    assert rows.count() == 10 and sum(r.target for r in rows) == 3800
    assert rows.get(region__name="楚雄市").target == 850
