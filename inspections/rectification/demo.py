"""Demo data, in 阳谷县 where the main demo accounts work: one rectification notice with two
problems (one accepted with a signature, one 重大 hazard still open under 挂牌督办), one
penalty, and one referral letter sent so the receiving liaison's inbox has something.
Idempotent: does nothing once a notice exists. The seeder acts as the explicit system actor
(``policy.SYSTEM``): nobody signed in does these writes."""

from __future__ import annotations

import datetime as dt
from typing import Any


def seed(stdout: Any) -> None:
    from django.db.models import Case, IntegerField, Value, When
    from django.utils import timezone

    from inspections import services as inspection_services
    from inspections.models import Finding, FindingStatus, Inspector, Severity
    from supervision.core import policy
    from supervision.core.demo import YANGGU
    from supervision.core.models import User

    from . import services
    from .models import Penalty, RectificationNotice

    if RectificationNotice.objects.exists():
        stdout.write("rectification: demo data already present\n")
        return
    today = timezone.localdate()
    prefix = YANGGU[:6]
    finding = (
        Finding.objects.filter(status=FindingStatus.OPEN)
        .annotate(
            home=Case(
                When(institution__region__code__startswith=prefix, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .select_related("institution__region", "supervising_department", "domain")
        .order_by("home", "-supervising_department__is_lead", "pk")
        .first()
    )
    if finding is None:
        stdout.write("rectification: no open findings yet, skipped\n")
        return
    institution = finding.institution
    department = finding.supervising_department
    county = services.county_of(institution.region)
    # The notice is drafted by an inspector of the issuing department in the county (no demo
    # work is done as the superuser); the steps themselves are the seeder's (SYSTEM).
    drafter = (
        User.objects.filter(
            assignments__department=department, assignments__region=county, is_superuser=False
        )
        .order_by("pk")
        .first()
    )
    findings = list(
        Finding.objects.filter(institution=institution, status=FindingStatus.OPEN).order_by("pk")[:3]
    )
    if len(findings) < 2:  # a second, 重大 problem so the notice stays open after one acceptance
        findings.append(
            inspection_services.finding_create(
                institution,
                finding.domain,
                actor=policy.SYSTEM,
                department=department,
                description="消防控制室无人值守，火灾自动报警系统处于故障状态",
                severity=Severity.MAJOR,
                rectification_required="立即安排持证人员24小时值守，修复火灾自动报警系统",
                found_on=finding.found_on,
            )
        )
    notice = RectificationNotice.objects.create(
        institution=institution,
        issuing_department=department,
        issuing_region=county,
        reconsideration_body=f"{county.name}人民政府",
        court=f"{county.name}人民法院",
        created_by=drafter,
    )
    for n, f in enumerate(findings, 1):
        notice.items.create(
            finding=f,
            seq=n,
            problem=f.description,
            legal_basis="《养老机构管理办法》第二十八条",
            requirement=f.rectification_required or f"立即整改：{f.description}",
            period_workdays=10,
        )
    notice = services.notice_issue(notice, actor=policy.SYSTEM, on=today)
    inspector = (
        Inspector.objects.filter(department=department, region__code__startswith=county.prefix, active=True)
        .filter(certificate_expires__gte=today)
        .first()
    )
    first = notice.items.order_by("seq").first()
    if first is not None and inspector is not None:
        services.item_respond(
            first,
            actor=policy.SYSTEM,
            action_taken="已按要求整改并建立台账",
            evidence_text="整改前后照片 4 张",
        )
        services.item_accept(
            first,
            actor=policy.SYSTEM,
            acceptor=inspector,
            observed="现场复查，整改到位",
            reinspected_on=today,
        )
    major = next((f for f in findings if f.severity == Severity.MAJOR), None)
    if major is not None:
        services.listing_open(
            major,
            actor=policy.SYSTEM,
            supervising_body=f"{county.name}人民政府安全生产委员会",
            deadline=today + dt.timedelta(days=30),
            on=today,
        )
    if not Penalty.objects.exists():
        short = department.short_name or department.name[:1]
        services.penalty_record(
            institution,
            actor=policy.SYSTEM,
            department=department,
            decision_number=f"{county.name[:1]}{short}罚决字〔{today.year}〕1号",
            kind="warning",
            facts="未按规定建立消防控制室值班制度",
            legal_basis="《养老机构管理办法》第四十六条",
            decided_on=today,
            findings=findings[:1],
        )
    _notice_for_the_demo_account(today)
    sent = _send_one_referral(prefix, today)
    stdout.write(
        f"rectification: notice {notice.number} with {notice.items.count()} items, demo penalty"
        f"{f', referral {sent} sent' if sent else ''}\n"
    )


DEMO_ACCOUNT_INSTITUTION = "阳谷县福寿养老院"  # the institution of the demo account yanggu_fushou


def _notice_for_the_demo_account(on: dt.date) -> None:
    """An issued notice for the demo account's institution (unless the main one is already
    its own), one problem pending, not yet signed for: the institution side has one to answer."""
    from inspections import services as inspection_services
    from institutions.models import Institution
    from supervision.core import policy
    from supervision.core.models import Department, Domain

    from . import services
    from .models import RectificationNotice

    inst = Institution.objects.filter(name=DEMO_ACCOUNT_INSTITUTION).select_related("region").first()
    if inst is None or RectificationNotice.objects.filter(institution=inst).exists():
        return
    department = Department.objects.filter(is_lead=True).order_by("pk").first()
    domain = Domain.objects.filter(code="operations").first() or Domain.objects.order_by("pk").first()
    if department is None or domain is None:
        return
    finding = inspection_services.finding_create(
        inst,
        domain,
        actor=policy.SYSTEM,
        department=department,
        description="夜间值班人员不足，值班记录缺失",
        rectification_required="按照入住老年人数量配齐夜间值班人员，建立值班记录",
        found_on=on,
    )
    county = services.county_of(inst.region)
    notice = RectificationNotice.objects.create(
        institution=inst,
        issuing_department=department,
        issuing_region=county,
        reconsideration_body=f"{county.name}人民政府",
        court=f"{county.name}人民法院",
    )
    notice.items.create(
        finding=finding,
        seq=1,
        problem=finding.description,
        legal_basis="《养老机构管理办法》第二十八条",
        requirement=finding.rectification_required,
        period_workdays=10,
    )
    services.notice_issue(notice, actor=policy.SYSTEM, on=on)


def _send_one_referral(prefix: str, on: dt.date) -> str:
    """Send the oldest draft referral of the demo county, so an inbox has a letter in it."""
    from supervision.core import policy
    from supervision.referrals import services as referrals
    from supervision.referrals.models import Referral, ReferralState

    draft = (
        Referral.objects.filter(
            state=ReferralState.DRAFT, from_region__code__startswith=prefix, found_on__lte=on
        )
        .order_by("pk")
        .first()
    )
    if draft is None:
        return ""
    return referrals.referral_send(draft, actor=policy.SYSTEM, on=on).number
