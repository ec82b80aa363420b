"""Findings (问题隐患): record one (handed by remit to the responsible department, with its
written referral), grade it, mark it rectified. Each write asks the policy first
(``Finding.write_rules``); a 重大 finding feeds the credit ledger."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from institutions.models import Institution
from supervision.core import policy
from supervision.core.models import Department, Domain, Region

from ..ledger import feed_credit
from ..models import (
    Finding,
    FindingStatus,
    Inspection,
    ItemResult,
    Severity,
    responsible_department_for,
)
from .common import _create, _save, acting_department, department_covers


def _locked(finding: Finding, actor: Any, action: str) -> Finding:
    locked = (
        Finding.objects.select_for_update(of=("self",))
        .select_related("institution__region")
        .get(pk=finding.pk)
    )
    policy.require(actor, locked, action)
    return locked


def finding_create(
    institution: Institution,
    domain: Domain,
    *,
    actor: Any,
    description: str,
    department: Department | None = None,
    severity: str = Severity.GENERAL,
    inspection: Inspection | None = None,
    item_result: ItemResult | None = None,
    evidence_note: str = "",
    rectification_required: str = "",
    rectify_by: dt.date | None = None,
    responsible_person: str = "",
    found_on: dt.date | None = None,
    source_system: str = "",
) -> Finding:
    """Record a finding for the finder's ``department`` (by default the one the actor acts for
    at the institution). The supervising department is the one the remit matrix makes
    responsible for the domain; when that is not the finder's department the finding is
    handed to it and a referral is drafted. A 重大 finding is listed for 挂牌督办."""
    department = department or acting_department(actor, institution.region)
    with transaction.atomic():
        policy.require(actor, Finding, "create", region=institution.region, department=department)
        if inspection is not None:  # found on site: a post of the inspection records it
            policy.require(actor, inspection, "record")
            if department is not None and department not in inspection.departments():
                raise ValidationError("登记部门未参加本次检查。")
        if department is None:  # the system or a superuser without a post names the department
            raise ValidationError("您在该机构所在辖区没有岗位，不能登记问题。")
        if severity not in Severity.values:
            raise ValidationError("隐患等级无效。")
        finding = Finding(
            institution=institution,
            domain=domain,
            severity=severity,
            description=description,
            evidence_note=evidence_note,
            rectification_required=rectification_required,
            rectify_by=rectify_by,
            responsible_person=responsible_person or institution.principal,
            supervising_department=department,
            found_by_department=department,
            found_by=policy.as_user(actor),
            found_on=found_on or timezone.localdate(),
            inspection=inspection,
            item_result=item_result,
            listed_supervision=severity == Severity.MAJOR,
            source_system=source_system,
        )
        _create(finding, actor, "create")
        if severity == Severity.MAJOR:
            feed_credit(
                institution,
                "major_hazard",
                title=f"{domain.name}重大隐患：{description[:80]}",
                source=finding,
                effective=finding.found_on,
                domain=domain,
                department=department,
                entered_by=actor,
            )
        if not department_covers(department, domain):
            finding_flag_for_referral(finding, actor=actor)
    return finding


def finding_flag_for_referral(finding: Finding, *, actor: Any) -> Department | None:
    """Hand a finding outside the finder's remit to the department the remit matrix makes
    responsible for its domain and open its written referral (抄告, a draft to send). Returns
    that department (None when the matrix names nobody: the finder keeps it). Whether the
    referral is still owed is read from the referral itself (``with_progress``). Done by the
    finder's department."""
    with transaction.atomic():
        finding = _locked(finding, actor, "hand_over")
        responsible = responsible_department_for(finding.domain)
        if responsible is None or responsible.pk == finding.found_by_department_id:
            return None
        if finding.supervising_department_id == responsible.pk:
            return responsible
        before = {"supervising_department": finding.supervising_department}
        finding.supervising_department = responsible
        _save(finding, actor, "flag_for_referral", before)
        finding_refer(finding, to_department=responsible, actor=actor)
    return responsible


def finder_region(finding: Finding, actor: Any) -> Region:
    """Where the finder's department sits: the actor's post covering the institution, else the
    county above the institution's township."""
    region = finding.institution.region
    for a in getattr(actor, "active_assignments", list)():
        if a.department_id == finding.found_by_department_id and region.code.startswith(a.region.prefix):
            return a.region
    for ancestor in region.ancestors():
        if ancestor.level == 3:
            return ancestor
    return region


def finding_refer(finding: Finding, *, to_department: Department, actor: Any) -> Any:
    """Open the written referral (抄告) of an out-of-remit finding: a draft referral whose
    7-working-day sending clock runs from the day the finding was recorded (000 (十)). The
    referral service asks its own rules of the sender."""
    from supervision.referrals.services import refer

    inst = finding.institution
    return refer(
        finding,
        domain=finding.domain,
        from_department=finding.found_by_department,
        from_region=finder_region(finding, actor),
        user=actor,
        title=f"{inst.name}{finding.domain.name}问题抄告",
        description=finding.description,
        institution_name=inst.name,
        credit_code=inst.credit_code or "",
        evidence_summary=finding.evidence_note,
        to_department=to_department,
        found_on=finding.found_on,
    )


def finding_mark_rectified(finding: Finding, *, actor: Any, by: Any = None) -> Finding:
    """The rectification of this problem was accepted on re-inspection (一整改一验收): the finding
    leaves the hazard and rectification lists. ``by`` is the acceptance record (for the audit).
    Marked by the acceptance of a department whose remit covers the finding, or the
    supervising department (``Finding.write_rules["rectify"]``)."""
    with transaction.atomic():
        finding = _locked(finding, actor, "rectify")
        if finding.status != FindingStatus.OPEN:
            return finding
        before = {"status": finding.status}
        finding.status = FindingStatus.RECTIFIED
        _save(finding, actor, f"rectified by {by}" if by is not None else "rectified", before)
    return finding


def finding_set_severity(finding: Finding, *, actor: Any, severity: str) -> Finding:
    """Change the grade (by the supervising department); a 重大 finding is listed for 挂牌督办
    (and stays listed until closed)."""
    with transaction.atomic():
        finding = _locked(finding, actor, "set_severity")
        if severity not in Severity.values:
            raise ValidationError("隐患等级无效。")
        if finding.severity == severity:
            return finding
        before = {"severity": finding.severity, "listed_supervision": finding.listed_supervision}
        finding.severity = severity
        finding.listed_supervision = finding.listed_supervision or severity == Severity.MAJOR
        _save(finding, actor, "grade", before)
        if severity == Severity.MAJOR:
            feed_credit(
                finding.institution,
                "major_hazard",
                title=f"{finding.domain.name}重大隐患：{finding.description[:80]}",
                source=finding,
                effective=finding.found_on,
                domain=finding.domain,
                department=finding.supervising_department,
                entered_by=actor,
            )
    return finding
