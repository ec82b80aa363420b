"""Demo and scale data: valid, unique credit codes; realistic statuses; idempotent seeding."""

from __future__ import annotations

import io

import pytest
from stdnum.cn import uscc

from institutions import demo
from institutions.models import Institution, InstitutionStatus
from tests.factories import RegionFactory

pytestmark = pytest.mark.django_db


def test_seed_without_regions_creates_nothing_and_says_so():
    out = io.StringIO()
    demo.seed(out)
    assert Institution.objects.count() == 0 and "未找到阳谷县" in out.getvalue()


def test_seed_scale_generates_valid_unique_codes(world):
    out = io.StringIO()
    assert demo.seed_scale(500, out, batch_size=120) == 500
    codes = list(Institution.objects.values_list("credit_code", flat=True))
    assert len(codes) == len(set(codes)) == 500
    assert all(uscc.is_valid(c) for c in codes)
    assert 0 < Institution.objects.filter(name_nonstandard=True).count() < 100
    assert demo.seed_scale(10, out) == 10  # a second run adds, without code clashes
    assert Institution.objects.count() == 510


def test_seed_creates_realistic_registry(world, monkeypatch):
    from institutions import services

    monkeypatch.setattr(services.common, "_open_clock", lambda *a, **k: None)
    monkeypatch.setattr(services.common, "_meet_clock", lambda *a, **k: 0)
    RegionFactory(code="371521001000", name="博济桥街道", level=4, parent=world.yanggu)
    demo.seed(io.StringIO())
    first = Institution.objects.count()
    assert first >= 10
    assert all(
        uscc.is_valid(c)
        for c in Institution.objects.exclude(credit_code=None).values_list("credit_code", flat=True)
    )
    assert Institution.objects.filter(status=InstitutionStatus.UNREGISTERED, credit_code=None).count() == 1
    assert Institution.objects.filter(status=InstitutionStatus.FILED).exists()
    assert Institution.objects.get(name="阳谷县福寿养老院").credit_code.startswith("52371521MJ")
    demo.seed(io.StringIO())
    assert Institution.objects.count() == first


def test_seed_restores_missing_grade_thresholds_and_rates(world, monkeypatch):
    """A database emptied after migrating (a flush) has no thresholds; the demo puts the
    defaults back instead of failing on its grade ratings."""
    from institutions import services
    from institutions.models import GradeRating, GradeThreshold

    monkeypatch.setattr(services.common, "_open_clock", lambda *a, **k: None)
    monkeypatch.setattr(services.common, "_meet_clock", lambda *a, **k: 0)
    GradeThreshold.objects.all().delete()
    RegionFactory(code="371521001000", name="博济桥街道", level=4, parent=world.yanggu)
    demo.seed(io.StringIO())
    assert dict(GradeThreshold.objects.values_list("level", "min_total")) == demo.DEFAULT_GRADE_THRESHOLDS
    assert GradeRating.objects.exists()
