"""Fixtures for inspections: institutions in 阳谷县 and 东昌府区, inspectors, a plan."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from inspections.models import InspectionItem, InspectionPlan, Inspector
from institutions.models import Institution
from tests.factories import DomainFactory, RemitFactory
from tests.inspections.factories import InspectorFactory, PlanFactory
from tests.institutions.factories import InstitutionFactory, credit_code
from tests.scenes import scene


@dataclass
class Field:
    homes: list[Institution]
    other_home: Institution
    inspectors: list[Inspector]
    xf_inspectors: list[Inspector]
    plan: InspectionPlan
    fire_item: InspectionItem
    duty_item: InspectionItem


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    return settings.PRIVATE_STORAGE_ROOT


@scene
def field(world) -> Field:
    operations = DomainFactory(code="operations")
    RemitFactory(department=world.mz, domain=operations, role="lead")
    homes = [
        InstitutionFactory(region=world.yanggu_town, credit_code=credit_code(i + 1), status="filed")
        for i in range(6)
    ]
    other = InstitutionFactory(
        region=world.dongchangfu_town, credit_code=credit_code(99, "52371502"), name="东昌府区古楼养老院"
    )
    inspectors = [InspectorFactory(department=world.mz, region=world.yanggu) for _ in range(5)]
    xf_inspectors = [InspectorFactory(department=world.xf, region=world.yanggu) for _ in range(2)]
    inspectors[0].user = world.yanggu_mz
    inspectors[0].save()
    plan = PlanFactory(region=world.yanggu, department=world.mz, sampling_ratio="0.5")
    return Field(
        homes=homes,
        other_home=other,
        inspectors=inspectors,
        xf_inspectors=xf_inspectors,
        plan=plan,
        fire_item=InspectionItem.objects.get(code="fire-passages"),
        duty_item=InspectionItem.objects.get(code="duty-24h"),
    )
