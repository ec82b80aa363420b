"""Online filing by the institution (《养老机构管理办法》 arts. 10–12).

``filing_apply`` takes the application as the institution sends it. Complete: the facts go to the
registry, the registry's own ``filing_submit`` makes the filing (status 已备案, the 20-working-day
on-site check and the drill clocks start as for a filing civil affairs records), and a 备案回执
(official PDF with its number, supervision/documents) is issued at once (art. 12). Incomplete:
the application is returned listing everything that is missing, in one go.

The competent bureau (art. 10): a for-profit institution files with civil affairs of the county
where it operates; a non-profit one with civil affairs at the level of its registration authority.

``first_resident_record``: the day of the first resident opens the ``filing.first_resident`` clock
(10 working days, art. 10) unless the institution has filed; the filing meets it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from institutions.models import Institution, InstitutionNature, InstitutionStatus
from institutions.services import filing_submit
from institutions.services.common import _open_clock, responsible_department
from supervision.core import policy
from supervision.core.audit import create_audited, save_audited
from supervision.core.models import Region

from ..filing_models import (
    LEVEL_NUMBER,
    ApplicationState,
    Commitment,
    FilingApplication,
    FirstResident,
    RegistrationLevel,
)

RULE_FIRST_RESIDENT = "filing.first_resident"
RECEIPT_KIND = "filing_receipt"
# Registry facts an online filing states and that the registry takes over.
REGISTRY_FIELDS = (
    "address",
    "legal_representative",
    "principal",
    "premises_ownership",
    "beds",
    "floor_area",
    "contact_phone",
)


def bureau_region(inst: Institution, registration_level: str) -> Region | None:
    """Where the institution files: its county (for-profit), or the level of its registration
    authority (non-profit, public and 公建民营)."""
    if inst.nature == InstitutionNature.FOR_PROFIT:
        return inst.county or inst.region
    level = LEVEL_NUMBER.get(registration_level)  # type: ignore[call-overload]
    if level is None:
        return None
    for node in inst.region.ancestors():
        if node.level == level:
            return node
    return None


def missing_items(inst: Institution, data: dict[str, Any], has_certificate: bool) -> list[str]:
    """Everything an application lacks, in the order of art. 11 (Chinese, for the return notice)."""
    missing: list[str] = []
    text = {k: str(data.get(k) or "").strip() for k in data}
    if not text.get("name"):
        missing.append("机构名称")
    if not text.get("address"):
        missing.append("服务场所地址")
    if not (text.get("legal_representative") or text.get("principal")):
        missing.append("法定代表人或主要负责人")
    if not text.get("premises_ownership"):
        missing.append("服务场所权属说明")
    if not data.get("beds"):
        missing.append("床位数")
    if not data.get("floor_area"):
        missing.append("建筑面积")
    if not text.get("contact_phone"):
        missing.append("联系电话")
    if (
        inst.nature != InstitutionNature.FOR_PROFIT
        and data.get("registration_level") not in RegistrationLevel.values
    ):
        missing.append("登记管理机关层级（非营利性机构向登记管理机关同级民政部门备案）")
    if not text.get("certificate_number"):
        missing.append("登记证书编号")
    if not has_certificate:
        missing.append("登记证书扫描件")
    given = set(data.get("commitments") or [])
    for item in Commitment:
        if item.value not in given:
            missing.append(f"书面承诺：{item.label.split('：')[0]}")
    if not text.get("commitment_signed_by"):
        missing.append("承诺人签名")
    return missing


def commitment_text(inst: Institution, signed_by: str, on: dt.date) -> str:
    """The written commitment as filed (published with the filing)."""
    lines = [f"本机构（{inst.name}）郑重承诺："]
    lines += [f"{n}. {item.label}。" for n, item in enumerate(Commitment, start=1)]
    lines.append("以上承诺如有不实，愿承担相应法律责任，并接受民政部门的监督检查。")
    lines.append(f"承诺人：{signed_by}　　{on:%Y年%m月%d日}".replace("年0", "年").replace("月0", "月"))
    return "\n".join(lines)


def filing_apply(
    inst: Institution, *, actor: Any, certificate_file: Any = None, today: dt.date | None = None, **data: Any
) -> FilingApplication:
    """File online. Returns the application: ``state`` accepted (with receipt) or returned (with
    ``missing``). Refuses (ValidationError) an institution that has already filed."""
    today = today or timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        locked = Institution.objects.select_for_update().select_related("region").get(pk=inst.pk)
        policy.require(actor, locked, "file")
        if locked.status == InstitutionStatus.FILED:
            raise ValidationError("本机构已备案；备案事项发生变化的，请向民政部门办理变更备案。")
        if locked.status in (InstitutionStatus.UNREGISTERED, InstitutionStatus.TERMINATED):
            raise ValidationError(f"机构当前状态为“{locked.get_status_display()}”，不能在线备案。")
        level = data.get("registration_level") or ""
        region = bureau_region(locked, level) or locked.county or locked.region
        missing = missing_items(
            locked, {**data, "name": data.get("name") or locked.name}, bool(certificate_file)
        )
        app = FilingApplication(
            institution=locked,
            state=ApplicationState.RETURNED if missing else ApplicationState.ACCEPTED,
            name=(data.get("name") or locked.name).strip(),
            address=(data.get("address") or "").strip(),
            legal_representative=(data.get("legal_representative") or "").strip(),
            principal=(data.get("principal") or "").strip(),
            premises_ownership=(data.get("premises_ownership") or "").strip(),
            beds=int(data.get("beds") or 0),
            floor_area=Decimal(str(data["floor_area"])) if data.get("floor_area") else None,
            contact_phone=(data.get("contact_phone") or "").strip(),
            registration_level=level if locked.nature != InstitutionNature.FOR_PROFIT else "",
            bureau_region=region,
            certificate_number=(data.get("certificate_number") or "").strip(),
            commitments=sorted(set(data.get("commitments") or [])),
            commitment_signed_by=(data.get("commitment_signed_by") or "").strip(),
            missing=missing,
            submitted_at=now,
            submitted_by=policy.as_user(actor),
        )
        if missing:
            create_audited(app, actor, "filing_return")
            return app
        before = {f: getattr(locked, f) for f in REGISTRY_FIELDS if getattr(locked, f) != getattr(app, f)}
        for field in before:
            setattr(locked, field, getattr(app, field))
        if before:
            save_audited(locked, actor, "filing_facts", before)
        filing = filing_submit(
            locked,
            actor=actor,
            submitted_on=today,
            commitment_text=commitment_text(locked, app.commitment_signed_by, today),
            certificate_number=app.certificate_number,
            applicant=app.commitment_signed_by,
            certificate_file=certificate_file,
            note="机构在线备案",
            policy_action="file",
        )
        app.filing = filing
        app.certificate_file = filing.certificate_file
        create_audited(app, actor, "filing_accept")
        _issue_receipt(app, today)
        from supervision.deadlines import services as deadlines

        deadlines.deadline_meet(locked, RULE_FIRST_RESIDENT, by=filing, at=today)
    return app


def _issue_receipt(app: FilingApplication, today: dt.date) -> None:
    from supervision.documents import services as documents

    department = responsible_department()
    assert department is not None, "civil affairs (the lead department) is missing"
    number = documents.document_allocate_number(
        kind=RECEIPT_KIND, kind_short="备", department=department, region=app.bureau_region, year=today.year
    )
    context = {
        **documents.issuer_context(department, app.bureau_region),
        "title": "养老机构备案回执",
        "number": number,
        "app": app,
        "institution": app.institution,
        "commitments": [Commitment(c).label for c in app.commitments],
        "on": today,
    }
    html, pdf = documents.render_document("documents/filing_receipt.html", context)
    doc = documents.document_store(
        kind=RECEIPT_KIND,
        title=f"{app.name}备案回执",
        number=number,
        pdf=pdf,
        source_html=html,
        department=department,
        region=app.bureau_region,
        subject=app,
    )
    app.receipt_number = number
    app.receipt_document_id = doc.pk
    app.save(update_fields=["receipt_number", "receipt_document_id"])


def first_resident_record(inst: Institution, *, actor: Any, taken_in_on: dt.date) -> FirstResident:
    """Record the day of the first resident; an institution not yet filed gets the 10-working-day
    filing clock (art. 10), which reminds the institution and the county."""
    if taken_in_on > timezone.localdate():
        raise ValidationError({"taken_in_on": "收住首位老年人的日期不能晚于今天。"})
    with transaction.atomic():
        locked = Institution.objects.select_for_update().select_related("region").get(pk=inst.pk)
        policy.require(actor, locked, "file")
        existing = FirstResident.objects.filter(institution=locked).first()
        if existing is not None:
            if existing.taken_in_on != taken_in_on:
                raise ValidationError(
                    {"taken_in_on": f"已登记首位老年人入住日期 {existing.taken_in_on:%Y-%m-%d}。"}
                )
            return existing
        row = FirstResident(institution=locked, taken_in_on=taken_in_on, recorded_by=policy.as_user(actor))
        create_audited(row, actor, "first_resident")
        if locked.status != InstitutionStatus.FILED:
            _open_clock(locked, RULE_FIRST_RESIDENT, taken_in_on, note=f"首位老年人入住 {taken_in_on}")
    return row
