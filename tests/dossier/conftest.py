"""An institution with something in every tab of its file (一户一档), built from factories."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from supervision.core.models import Domain
from tests.factories import RegionFactory
from tests.institutions.factories import InstitutionFactory


@dataclass
class Dossier:
    home: Any
    calm: Any  # an institution with no badge
    fire: Any  # fire rescue's finding
    duty: Any  # civil affairs' operations finding
    complaint: Any
    other_town: Any


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    return settings.PRIVATE_STORAGE_ROOT


@pytest.fixture
def dossier(world) -> Dossier:
    from credit.models import CreditGrade
    from inspections import services as inspection_services
    from inspections.complaints import services as complaint_services
    from institutions import services as registry
    from tests.factories import DomainFactory, RemitFactory

    other_town = RegionFactory(code="371521101000", name="侨润街道", level=4, parent=world.yanggu)
    home = InstitutionFactory(name="阳谷县福寿养老院", region=world.yanggu_town, status="filed")
    calm = InstitutionFactory(name="阳谷县安康养老院", region=world.yanggu_town, status="filed")
    operations = Domain.objects.filter(code="operations").first() or DomainFactory(code="operations")
    RemitFactory(department=world.mz, domain=operations, role="lead")
    fire = inspection_services.finding_create(
        home,
        Domain.objects.get(code="fire"),
        actor=world.yanggu_xf,
        description="二楼东侧安全出口被杂物堵塞",
        severity="major",
        found_on=dt.date(2026, 11, 20),
    )
    duty = inspection_services.finding_create(
        home,
        operations,
        actor=world.yanggu_mz,
        description="夜间值班记录缺失",
        found_on=dt.date(2026, 11, 20),
    )
    complaint = complaint_services.complaint_submit_public(
        content="护理员张某某多次辱骂老人。",
        institution=home,
        category="fire",
        name="投诉人李四",
        phone="13912345678",
        received_at=timezone.make_aware(dt.datetime(2026, 11, 28, 9, 0)),
    )
    registry.institution_restrict(
        home,
        actor=world.yanggu_leader,
        kind="joint_punishment",
        source="失信联合惩戒对象名单决定 阳民信惩决〔2026〕1号",
        starts_on=dt.date(2026, 11, 12),
        ends_on=dt.date(2029, 11, 11),
    )
    # Grade D (the credit app recomputes grades from records; here the outcome is set directly).
    CreditGrade.objects.update_or_create(
        institution=home,
        defaults={
            "credit_code": home.credit_code,
            "region": home.region,
            "score": Decimal("55.0"),
            "grade": "D",
            "risk_class": "high",
            "computed_at": timezone.now(),
            "computed_for": dt.date(2026, 11, 12),
        },
    )
    # A registry edit that moves the institution: history must name the towns.
    registry.institution_update(home, actor=world.yanggu_mz, region=other_town, beds=90)
    home.refresh_from_db()
    return Dossier(home, calm, fire, duty, complaint, other_town)
