"""A hand-built county for the dashboard tests (clock pinned at 2026-12-01): 阳谷县 with two
townships, four institutions inside and one next door (东昌府区), with inspections, findings,
clocks, a rectification notice, a complaint, a penalty, credit grades and fund flags, each
on a date chosen so that every figure is known by hand (see EXPECTED)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from credit.models import CreditGrade
from funds.models import FundFlag
from inspections import services as inspection_services
from inspections.complaints import services as complaint_services
from inspections.models import Inspection
from inspections.rectification import services as rectification_services
from inspections.rectification.models import Penalty
from institutions.models import Institution
from supervision.core.models import Domain, Region
from supervision.deadlines.models import Deadline
from supervision.deadlines.services import deadline_open
from tests.factories import DomainFactory, RegionFactory, RemitFactory
from tests.institutions.factories import InstitutionFactory, credit_code


@dataclass
class County:
    town2: Region
    a: Institution
    b: Institution
    c: Institution
    d: Institution
    outside: Institution


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


def _inspection(world: Any, inst: Institution, on: dt.date) -> Inspection:
    return Inspection.objects.create(
        institution=inst,
        department=world.mz,
        kind="routine",
        status="closed",
        inspected_on=on,
        scheduled_on=on,
    )


def build(world: Any) -> County:
    operations = Domain.objects.filter(code="operations").first() or DomainFactory(code="operations")
    RemitFactory(department=world.mz, domain=operations, role="lead")
    town2 = RegionFactory(code="371521103000", name="阿城镇", level=4, parent=world.yanggu)
    a = InstitutionFactory(
        region=world.yanggu_town, credit_code=credit_code(1), status="filed", name="福寿养老院"
    )
    b = InstitutionFactory(
        region=world.yanggu_town, credit_code=credit_code(2), kind="community", name="康乐居家服务中心"
    )
    c = InstitutionFactory(
        region=town2, credit_code=credit_code(3), status="unregistered", name="阿城无名养老点"
    )
    d = InstitutionFactory(region=town2, credit_code=credit_code(4), status="filed", name="阿城镇敬老院")
    outside = InstitutionFactory(
        region=world.dongchangfu_town,
        credit_code=credit_code(99, "52371502"),
        status="filed",
        name="古楼养老院",
    )
    # coverage: A in the second half-year, D in the first; the neighbour too (must not count)
    _inspection(world, a, dt.date(2026, 10, 10))
    _inspection(world, d, dt.date(2026, 3, 5))
    _inspection(world, outside, dt.date(2026, 10, 12))

    fire = Domain.objects.get(code="fire")
    major = inspection_services.finding_create(
        a,
        fire,
        actor=world.yanggu_xf,
        description="安全出口堵塞",
        severity="major",
        found_on=dt.date(2026, 9, 20),
    )
    type(major).objects.filter(pk=major.pk).update(listed_supervision=True)
    duty = inspection_services.finding_create(
        a, operations, actor=world.yanggu_mz, description="夜间值班记录缺失", found_on=dt.date(2026, 9, 20)
    )
    inspection_services.finding_create(
        d, operations, actor=world.yanggu_mz, description="去年的问题", found_on=dt.date(2025, 11, 3)
    )
    inspection_services.finding_create(
        outside,
        operations,
        actor=world.dongchangfu_mz,
        description="邻县的问题",
        found_on=dt.date(2026, 9, 21),
    )
    # a rectification notice issued 2026-09-28 with 10 working days: overdue by 2026-12-01
    spec = rectification_services.ItemSpec(
        finding=duty, legal_basis="《养老机构管理办法》第二十八条", requirement="立即整改", period_workdays=10
    )
    notice = rectification_services.notice_create(a, [spec], actor=world.yanggu_mz)
    rectification_services.notice_issue(notice, actor=world.yanggu_mz, on=dt.date(2026, 9, 28))

    # filing checks: A met in time, D met late, B still open past due (overdue)
    for inst, start, met in (
        (a, dt.date(2026, 3, 2), dt.date(2026, 3, 20)),
        (d, dt.date(2026, 4, 1), dt.date(2026, 6, 15)),
        (b, dt.date(2026, 8, 3), None),
    ):
        clock = deadline_open(inst, "filing.onsite_check", start, department=world.mz, region=inst.region)
        if met is not None:
            Deadline.objects.filter(pk=clock.pk).update(state="met", met_at=_aware(met))
    deadline_open(
        outside, "filing.onsite_check", dt.date(2026, 8, 3), department=world.mz, region=outside.region
    )

    complaint_services.complaint_submit_public(
        content="三楼安全出口被杂物堵死。",
        institution=a,
        category="fire",
        name="张三丰",
        phone="13812345678",
        received_at=_aware(dt.date(2026, 9, 30)),
    )
    Penalty.objects.create(
        institution=a,
        department=world.mz,
        region=world.yanggu,
        decision_number="阳民罚〔2026〕1号",
        kind="fine",
        fine_amount=Decimal("5000.00"),
        facts="未按规定备案",
        legal_basis="《养老机构管理办法》第四十六条",
        decided_on=dt.date(2026, 10, 20),
    )
    for inst, grade in ((a, "A"), (d, "C"), (outside, "A")):
        # the ledger may have graded it already (findings feed it): set the grade we want
        CreditGrade.objects.update_or_create(
            institution=inst,
            defaults={
                "credit_code": inst.credit_code,
                "region": inst.region,
                "score": Decimal("90.0"),
                "grade": grade,
                "risk_class": "low",
                "computed_at": _aware(dt.date(2026, 11, 30)),
                "computed_for": dt.date(2026, 11, 30),
            },
        )
    CreditGrade.objects.exclude(institution__in=[a, d, outside]).delete()
    FundFlag.objects.create(
        institution=d, region=d.region, rule="escrow.shortfall", reason="押金专户余额不足"
    )
    return County(town2=town2, a=a, b=b, c=c, d=d, outside=outside)


# Figures for 阳谷县, year 2026, as its lead department sees them: worked out by hand above.
EXPECTED: dict[str, Any] = {
    "institutions.total": 4,
    "institutions.status.filed": 2,
    "institutions.status.unregistered": 1,
    "institutions.kind.community": 1,
    "institutions.filing_awaiting_check": 1,
    "deadlines.filing_check_in_time": 1,
    "deadlines.filing_check_decided": 3,
    "deadlines.filing_check_rate": Decimal("33.3"),
    "inspections.onsite_objects_year": 4,
    "inspections.onsite_covered_year": 2,
    "inspections.onsite_uncovered_year": 2,
    "inspections.onsite_coverage_year": Decimal("50.0"),
    "inspections.onsite_covered_half": 1,
    "inspections.onsite_coverage_half": Decimal("25.0"),
    "inspections.findings.total": 2,
    "inspections.findings.listed": 1,
    "inspections.findings.severity.major": 1,
    "inspections.findings.domain.fire": 1,
    "rectification.items_overdue": 1,
    "rectification.penalties.total": 1,
    "rectification.penalties.fines": Decimal("5000.00"),
    "complaints.total": 1,
    "credit.grade.A": 1,
    "credit.grade.C": 1,
    "funds.escrow.shortfall": 1,
}
