"""The ledger: record_fact (the write API other apps call), staff entry, withdrawal."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from auditlog.context import disable_auditlog
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from institutions.models import (
    Institution,
)
from supervision.core import policy
from supervision.core.audit import audit
from supervision.core.models import Department, Domain, Remit, RemitRole
from supervision.workcal.services import add_months

from ..models import (
    CreditRecord,
    RecordKind,
)
from .common import KIND_DOMAIN, STAFF_KINDS, institution_by_code, rules_table, today
from .grading import grade_recompute

# --- the ledger ------------------------------------------------------------------------------


def _domain(value: Domain | str | None) -> Domain | None:
    if value is None or isinstance(value, Domain):
        return value
    return Domain.objects.filter(code=value).first()


def _department_of(user: Any) -> Department | None:
    if user is None or not getattr(user, "is_authenticated", False) or policy.is_system(user):
        return None
    for a in user.active_assignments():
        return a.department
    return None


def _recording_department(actor: Any, institution: Institution, domain: Domain | None) -> Department | None:
    """The department a hand-entered record is made in: the actor's lead-department post over
    the institution, else its post whose remit covers the record's domain (None for the system
    or a superuser without a post). Which department records is data; whether the actor may
    record the kind at all is the policy's (``CreditRecord.write_rules["record"]``)."""
    region = institution.region
    covering = [
        a
        for a in getattr(actor, "active_assignments", list)()
        if a.role in policy.ACTING and region.code.startswith(a.region.prefix)
    ]
    for a in covering:
        if a.department.is_lead:
            return a.department
    if domain is not None:
        for a in covering:
            if Remit.objects.filter(
                department=a.department, domain=domain, role__in=[RemitRole.LEAD, RemitRole.RESPONSIBLE]
            ).exists():
                return a.department
    return covering[0].department if covering else None


def staff_record(actor: Any, institution: Institution, kind: str) -> CreditRecord:
    """The unsaved record the policy judges for a hand entry of ``kind``: the institution's
    region, the kind's domain, the department the actor records in."""
    domain = _domain(KIND_DOMAIN.get(kind))
    return CreditRecord(
        credit_code=institution.credit_code or "",
        institution=institution,
        region=institution.region,
        kind=kind,
        domain=domain,
        department=_recording_department(actor, institution, domain),
    )


def staff_kinds_for(actor: Any, institution: Institution) -> list[str]:
    """The kinds ``actor`` may enter by hand on ``institution`` (the profile's form offers
    these, and a page with none refuses the entry before reading it)."""
    return [k for k in STAFF_KINDS if policy.can(actor, staff_record(actor, institution, k), "record")]


def record_fact(
    subject_code: str,
    kind: str,
    *,
    title: str,
    source: models.Model | None = None,
    document: str = "",
    effective: dt.date | None = None,
    expires: dt.date | None = None,
    points: Decimal | int | None = None,
    person_name: str = "",
    person_id_number: str = "",
    domain: Domain | str | None = None,
    department: Department | None = None,
    entered_by: Any = None,
    recompute: bool = True,
) -> CreditRecord:
    """Record one credit-relevant fact (see the module docstring). Idempotent per source+kind.

    This is the write API of the apps that establish facts (an inspection, a penalty, an upheld
    complaint): the step that establishes it has already been authorised by that procedure's
    own rules, so the policy is not asked again here. A fact entered by hand goes through
    ``record_enter``, which asks it."""
    if kind not in RecordKind.values:
        raise ValidationError(f"未知的信用记录类型：{kind}")
    if not (title or "").strip():
        raise ValidationError({"title": "请填写信用记录事项。"})
    inst = institution_by_code(subject_code)
    effective = effective or today()
    pts, months, _decays, _serious = rules_table()[kind]
    if expires is None and months:
        expires = add_months(effective, months)
    if expires is not None and expires < effective:
        raise ValidationError({"expires": "失效日期不能早于生效日期。"})
    id_hash_value = masked = ""
    if person_id_number:
        from institutions.personal import id_hash, mask_id
        from institutions.validators import explain_id_number

        message = explain_id_number(person_id_number)
        if message:
            raise ValidationError({"person_id_number": message})
        id_hash_value, masked = id_hash(person_id_number), mask_id(person_id_number)
    source_type = ContentType.objects.get_for_model(source) if source is not None else None
    with transaction.atomic():
        if source is not None:
            existing = CreditRecord.objects.filter(
                source_type=source_type, source_id=source.pk, kind=kind, withdrawn_at__isnull=True
            ).first()
            if existing is not None:
                return existing
        record = CreditRecord(
            credit_code=inst.credit_code or "",
            institution=inst,
            region=inst.region,
            person_name=person_name.strip(),
            person_id_hash=id_hash_value,
            person_id_masked=masked,
            kind=kind,
            title=title.strip(),
            points=Decimal(points) if points is not None else pts,
            domain=_domain(domain if domain is not None else KIND_DOMAIN.get(kind)),
            department=department or _department_of(entered_by),
            source_type=source_type,
            source_id=source.pk if source is not None else None,
            source_document=document,
            effective_on=effective,
            expires_on=expires,
            entered_by=entered_by if getattr(entered_by, "pk", None) else None,
        )
        with disable_auditlog():
            record.save()
        audit(
            record,
            entered_by,
            "record",
            {"kind": (None, kind), "points": (None, record.points), "effective_on": (None, effective)},
            created=True,
        )
        if recompute:
            grade_recompute(inst.credit_code or "")
    return record


def record_enter(actor: Any, institution: Institution, kind: str, **data: Any) -> CreditRecord:
    """Staff entering a fact by hand (court judgments, 失信被执行人, awards …) on a profile.
    The policy judges the record to be made (``record``): civil affairs records every kind, a
    partner department only kinds of its own domain, each over the institution's region."""
    with transaction.atomic():
        candidate = staff_record(actor, institution, kind)
        policy.require(actor, candidate, "record")
        if kind not in STAFF_KINDS:
            raise ValidationError({"kind": "该类型的信用记录由业务系统自动记入，不能手工录入。"})
        if not (data.get("document") or "").strip():
            raise ValidationError({"document": "请填写依据文书（名称及文号）。"})
        return record_fact(
            institution.credit_code or "",
            kind,
            entered_by=policy.as_user(actor),
            department=candidate.department,
            domain=candidate.domain,
            **data,
        )


def record_withdraw(record: CreditRecord, *, actor: Any, reason: str) -> CreditRecord:
    """Withdraw a record entered in error; it stays in the ledger, no longer counted. Only the
    department that recorded it does (``withdraw``)."""
    with transaction.atomic():
        locked = CreditRecord.objects.select_for_update().get(pk=record.pk)
        policy.require(actor, locked, "withdraw")
        if locked.withdrawn_at is not None:
            return locked
        if not (reason or "").strip():
            raise ValidationError({"reason": "请填写撤销原因。"})
        locked.withdrawn_at = timezone.now()
        locked.withdraw_reason = reason.strip()
        with disable_auditlog():
            locked.save(update_fields=["withdrawn_at", "withdraw_reason"])
        audit(locked, policy.as_user(actor), "withdraw", {"withdrawn_at": (None, locked.withdrawn_at)})
        grade_recompute(locked.credit_code)
    return locked
