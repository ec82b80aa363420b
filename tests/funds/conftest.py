"""Fixtures for funds: the fiscal-funds domain with its remits (民政 lead, 财政 and 审计
responsible), 财政 and 审计 posts of 阳谷县, two homes in 阳谷县 and one in 东昌府区, a programme
per kind that the tests need, and a claim-building helper."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from funds.models import ProgrammeKind, SubsidyProgramme
from institutions.models import Institution
from supervision.core.models import Department, Role, User
from tests.factories import AssignmentFactory, DepartmentFactory, DomainFactory, RemitFactory, UserFactory
from tests.institutions.factories import InstitutionFactory, credit_code


@dataclass
class Money:
    home: Institution
    second_home: Institution
    other_home: Institution
    finance: Department
    audit: Department
    yanggu_cz: User
    yanggu_sj_auditor: User
    dongchangfu_cz: User
    bed_programme: SubsidyProgramme
    resident_programme: SubsidyProgramme


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    return settings.PRIVATE_STORAGE_ROOT


def _post(username: str, dept: Department, region: Any, role: str = Role.INSPECTOR) -> User:
    user = UserFactory(username=username, display_name=username)
    AssignmentFactory(user=user, department=dept, region=region, role=role)
    return user


@pytest.fixture
def money(world) -> Money:
    fiscal = DomainFactory(code="fiscal_funds", name="财政资金")
    finance = DepartmentFactory(code="finance", name="财政", short_name="财")
    audit = DepartmentFactory(code="audit", name="审计", short_name="审")
    RemitFactory(department=world.mz, domain=fiscal, role="lead")
    RemitFactory(department=finance, domain=fiscal, role="responsible")
    RemitFactory(department=audit, domain=fiscal, role="responsible")
    home = InstitutionFactory(
        region=world.yanggu_town,
        credit_code=credit_code(11),
        name="阳谷县福寿养老院",
        status="filed",
        beds=50,
    )
    second = InstitutionFactory(
        region=world.yanggu_town,
        credit_code=credit_code(12),
        name="阳谷县康宁养老院",
        status="filed",
        beds=30,
    )
    other = InstitutionFactory(
        region=world.dongchangfu_town,
        credit_code=credit_code(13, "52371502"),
        name="东昌府区古楼养老院",
        status="filed",
        beds=40,
    )
    beds = SubsidyProgramme.objects.create(
        name="阳谷县养老机构运营补贴（床位）",
        kind=ProgrammeKind.OPERATION_BED,
        region=world.yanggu,
        domain=fiscal,
        unit_amount=Decimal("100.00"),
        legal_basis="按实际入住床位每床每月 100 元",
        source_document="阳谷县养老机构运营补贴办法（测试）",
        valid_from=dt.date(2026, 1, 1),
    )
    residents = SubsidyProgramme.objects.create(
        name="阳谷县养老机构运营补贴（护理等级）",
        kind=ProgrammeKind.OPERATION_RESIDENT,
        region=world.yanggu,
        domain=fiscal,
        unit_amount=Decimal("100.00"),
        care_level_rates={"self_care": "100.00", "moderate": "300.00", "total": "500.00"},
        legal_basis="按入住老人护理等级每人每月 100～500 元",
        source_document="阳谷县养老机构运营补贴办法（测试）",
        valid_from=dt.date(2026, 1, 1),
    )
    return Money(
        home=home,
        second_home=second,
        other_home=other,
        finance=finance,
        audit=audit,
        yanggu_cz=_post("yanggu_cz", finance, world.yanggu),
        yanggu_sj_auditor=_post("yanggu_sj", audit, world.yanggu),
        dongchangfu_cz=_post("dongchangfu_cz", finance, world.dongchangfu),
        bed_programme=beds,
        resident_programme=residents,
    )
