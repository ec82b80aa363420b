"""Fixtures for rectification: a home in 阳谷县 with open findings (fire, operations), one in
东昌府区, civil-affairs and fire-rescue inspectors, and a notice-issuing helper."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from inspections import services as inspection_services
from inspections.models import Finding, Inspector
from inspections.rectification import services
from inspections.rectification.models import RectificationNotice
from institutions.models import Institution
from supervision.core.models import Domain
from tests.factories import DomainFactory, RemitFactory
from tests.inspections.factories import InspectorFactory
from tests.institutions.factories import InstitutionFactory, credit_code


@dataclass
class Site:
    home: Institution
    other_home: Institution
    fire: Finding
    duty: Finding
    other_finding: Finding
    mz_inspector: Inspector
    xf_inspector: Inspector


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    return settings.PRIVATE_STORAGE_ROOT


@pytest.fixture
def site(world) -> Site:
    operations = DomainFactory(code="operations", name="运营服务")
    RemitFactory(department=world.mz, domain=operations, role="lead")
    home = InstitutionFactory(
        region=world.yanggu_town,
        credit_code=credit_code(1),
        name="阳谷县福寿养老院",
        legal_representative="张三丰",
        status="filed",
    )
    other = InstitutionFactory(
        region=world.dongchangfu_town, credit_code=credit_code(99, "52371502"), name="东昌府区古楼养老院"
    )
    fire = inspection_services.finding_create(
        home,
        Domain.objects.get(code="fire"),
        actor=world.yanggu_xf,
        description="二楼东侧安全出口被杂物堵塞",
        severity="major",
        found_on=dt.date(2026, 9, 20),
    )
    duty = inspection_services.finding_create(
        home,
        operations,
        actor=world.yanggu_mz,
        description="夜间值班记录缺失",
        found_on=dt.date(2026, 9, 20),
    )
    other_finding = inspection_services.finding_create(
        other,
        operations,
        actor=world.dongchangfu_mz,
        description="入住评估记录不全",
        found_on=dt.date(2026, 9, 20),
    )
    mz_inspector = InspectorFactory(
        department=world.mz, region=world.yanggu, name="李检查", user=world.yanggu_mz
    )
    xf_inspector = InspectorFactory(
        department=world.xf, region=world.yanggu, name="王消防", user=world.yanggu_xf
    )
    return Site(home, other, fire, duty, other_finding, mz_inspector, xf_inspector)


@pytest.fixture
def draft(world, site):
    """A draft notice by civil affairs covering the operations finding (and optionally fire)."""

    def make(*findings: Finding, actor: Any = None, period: int = 10) -> RectificationNotice:
        findings = findings or (site.duty,)
        specs = [
            services.ItemSpec(
                finding=f,
                legal_basis="《养老机构管理办法》第二十八条",
                requirement=f"立即整改：{f.description}",
                period_workdays=period,
            )
            for f in findings
        ]
        return services.notice_create(site.home, specs, actor=actor or world.yanggu_mz)

    return make


@pytest.fixture
def issued(world, draft):
    def make(*findings: Finding, on: dt.date = dt.date(2026, 9, 28), actor: Any = None, period: int = 10):
        notice = draft(*findings, actor=actor, period=period)
        return services.notice_issue(notice, actor=actor or world.yanggu_mz, on=on)

    return make


@pytest.fixture
def engine_day(django_capture_on_commit_callbacks):
    """Run the deadline engine as beat does on ``day``: the sweep (marks overdue clocks, claims
    the stages that have fired) and the delivery it queues after commit (notifications and the
    stage handlers), with the clock moved to 09:00 of that day."""
    from zoneinfo import ZoneInfo

    import time_machine

    from supervision.deadlines import services as deadline_services

    def run(day: dt.date) -> None:
        moment = dt.datetime(day.year, day.month, day.day, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
        with time_machine.travel(moment, tick=False), django_capture_on_commit_callbacks(execute=True):
            deadline_services.sweep(moment)

    return run
