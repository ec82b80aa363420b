"""A hand-built data set in 阳谷县 for the 2026 evaluation's computed rows, and a township post.

Care homes in 博济桥街道: A (filed, fire passed, fees published, 100 beds, rated), B (filed, fire
technical only, 50 beds, rating expired), C (registered not filed, fire pending, 30 beds);
a community provider D (filed, not a care home), a terminated care home E, and a care home F
in the sibling county 东昌府区 (outside every 阳谷县 figure)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from institutions.models import GradeRating, Institution, Staff
from tests.factories import AssignmentFactory, DomainFactory, UserFactory
from tests.institutions.factories import InstitutionFactory
from tests.institutions.factories import id_number as make_id

D = dt.date


@dataclass
class Homes:
    a: Institution
    b: Institution
    c: Institution
    d: Institution
    e: Institution
    f: Institution


def _rating(inst: Institution, rated: dt.date, until: dt.date) -> None:
    GradeRating.objects.create(
        institution=inst,
        level=3,
        score_environment=Decimal("100"),
        score_facilities=Decimal("100"),
        score_management=Decimal("120"),
        score_service=Decimal("480"),
        total=Decimal("800"),
        rated_on=rated,
        valid_until=until,
    )


def _staff(inst: Institution, n: int, role: str, hired: dt.date, left: dt.date | None = None) -> None:
    from institutions.services.persons import person_for

    Staff.objects.create(
        institution=inst, person=person_for(f"员工{n}", make_id(n)), role=role, hired_on=hired, left_on=left
    )


@pytest.fixture
def homes(world) -> Homes:
    town, other = world.yanggu_town, world.dongchangfu_town
    a = InstitutionFactory(
        name="阳谷县福寿养老院", region=town, status="filed", fire_acceptance="passed", beds=100,
        service_items="生活照料、康复护理", fee_standards="床位费 800 元/月",
    )  # fmt: skip
    b = InstitutionFactory(
        name="夕阳红之家", region=town, status="filed", fire_acceptance="technical_only",
        fire_acceptance_note="缺少不动产登记证", beds=50,
    )  # fmt: skip
    c = InstitutionFactory(name="阳谷县康宁养老服务中心", region=town, status="registered_not_filed", beds=30)
    d = InstitutionFactory(
        name="阳谷县博济桥社区养老服务站", region=town, status="filed", kind="community", beds=10
    )
    e = InstitutionFactory(name="阳谷县旧城养老院", region=town, status="terminated", beds=40)
    f = InstitutionFactory(
        name="东昌府区颐年养老院", region=other, status="filed", fire_acceptance="passed", beds=70
    )
    _rating(a, D(2025, 6, 1), D(2028, 6, 1))
    _rating(b, D(2022, 1, 1), D(2025, 1, 1))
    _rating(f, D(2025, 6, 1), D(2028, 6, 1))
    _staff(a, 1, "social_worker", D(2025, 1, 1))
    _staff(a, 2, "social_worker", D(2025, 1, 1), left=D(2026, 6, 30))
    _staff(b, 3, "social_worker", D(2026, 12, 31))
    _staff(a, 4, "caregiver", D(2025, 1, 1))
    _staff(f, 5, "social_worker", D(2025, 1, 1))
    return Homes(a, b, c, d, e, f)


@pytest.fixture
def township_mz(world):
    """The civil-affairs post of 博济桥街道 (the township that reports to 阳谷县)."""
    user = UserFactory(username="bojiqiao_mz", display_name="博济桥街道民政")
    AssignmentFactory(user=user, department=world.mz, region=world.yanggu_town, role="inspector")
    return user


@pytest.fixture
def fees_domain(db):
    return DomainFactory(code="fees", name="收费与资金")


def aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
