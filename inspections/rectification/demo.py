"""Demo data: one rectification notice issued from the demo findings (one item accepted with
a signature, one still open), a listed supervision for a 重大 finding and one penalty.
Idempotent: does nothing once a notice exists."""

from __future__ import annotations

import datetime as dt
from typing import Any


def seed(stdout: Any) -> None:
    from django.db.models import Q

    from inspections.models import Finding, FindingStatus, Inspector, Severity
    from supervision.core.models import User

    from . import services
    from .models import ListedSupervision, Penalty, RectificationNotice

    if RectificationNotice.objects.exists():
        stdout.write("rectification: demo data already present\n")
        return
    actor = User.objects.filter(is_superuser=True).first()
    finding = (
        Finding.objects.filter(status=FindingStatus.OPEN, supervising_department__is_lead=True)
        .select_related("institution", "supervising_department")
        .order_by("pk")
        .first()
    ) or Finding.objects.filter(status=FindingStatus.OPEN).select_related("institution").order_by(
        "pk"
    ).first()
    if finding is None or actor is None:
        stdout.write("rectification: no open findings yet, skipped\n")
        return
    institution = finding.institution
    findings = list(
        Finding.objects.filter(institution=institution, status=FindingStatus.OPEN).order_by("pk")[:3]
    )
    county = institution.county or institution.region
    department = finding.supervising_department
    inspector = (
        Inspector.objects.filter(department=department, region__code__startswith=county.prefix, active=True)
        .filter(Q(certificate_expires__gte=dt.date.today()))
        .first()
    )
    notice = RectificationNotice.objects.create(
        institution=institution,
        issuing_department=department,
        issuing_region=county,
        reconsideration_body=f"{county.name}人民政府",
        court=f"{county.name}人民法院",
        created_by=actor,
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
    notice = services.notice_issue(notice, actor=None)
    first = notice.items.order_by("seq").first()
    if first is not None and inspector is not None:
        services.item_respond(
            first, actor=None, action_taken="已按要求整改并建立台账", evidence_text="整改前后照片 4 张"
        )
        services.item_accept(
            first,
            actor=None,
            acceptor=inspector,
            observed="现场复查，整改到位",
            reinspected_on=dt.date.today(),
        )
    major = Finding.objects.filter(severity=Severity.MAJOR, listing__isnull=True).first()
    if major is not None:
        ListedSupervision.objects.get_or_create(
            finding=major,
            defaults={
                "department": major.supervising_department,
                "supervising_body": f"{county.name}人民政府安全生产委员会",
                "deadline": dt.date.today() + dt.timedelta(days=30),
                "created_by": actor,
            },
        )
    if not Penalty.objects.exists():
        services.penalty_record(
            institution,
            actor=None,
            department=department,
            decision_number=f"{county.name[:1]}民罚决字〔{dt.date.today().year}〕1号",
            kind="warning",
            facts="未按规定建立夜间值班制度",
            legal_basis="《养老机构管理办法》第四十六条",
            decided_on=dt.date.today(),
            findings=findings[:1],
        )
    stdout.write(f"rectification: notice {notice.number} with {notice.items.count()} items, demo penalty\n")
