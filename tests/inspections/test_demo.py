"""demo.seed is idempotent and produces a revealed draw and a fire finding."""

from __future__ import annotations

import io

import pytest

from inspections.demo import seed
from inspections.models import Draw, Finding, Inspection, InspectionItem

pytestmark = pytest.mark.django_db


def test_demo_seed_idempotent(field, world):
    seed(io.StringIO())
    draws, findings, items = Draw.objects.count(), Finding.objects.count(), InspectionItem.objects.count()
    assert draws >= 1 and items >= 20
    assert Draw.objects.filter(revealed_at__isnull=False).exists()
    assert Inspection.objects.filter(status="published").exists()  # the public results page has one
    seed(io.StringIO())
    assert (Draw.objects.count(), Finding.objects.count(), InspectionItem.objects.count()) == (
        draws,
        findings,
        items,
    )
