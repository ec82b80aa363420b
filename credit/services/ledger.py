"""The ledger: record_fact (the write API other apps call), staff entry, withdrawal."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from auditlog.context import disable_auditlog
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from institutions.models import (
    Institution,
)
from supervision.core.audit import audit
from supervision.core.models import Department, Domain
from supervision.core.scoping import ensure_visible
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
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    for a in user.active_assignments():
        return a.department
    return None


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
    """Record one credit-relevant fact (see the module docstring). Idempotent per source+kind."""
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
    """Staff entering a fact by hand (court judgments, 失信被执行人, awards …) on a profile."""
    if kind not in STAFF_KINDS:
        raise ValidationError({"kind": "该类型的信用记录由业务系统自动记入，不能手工录入。"})
    if not (data.get("document") or "").strip():
        raise ValidationError({"document": "请填写依据文书（名称及文号）。"})
    ensure_visible(actor, institution)
    if _department_of(actor) is None and not getattr(actor, "is_superuser", False):
        raise PermissionDenied("您没有有效的岗位，不能录入信用记录。")
    return record_fact(institution.credit_code or "", kind, entered_by=actor, **data)


def record_withdraw(record: CreditRecord, *, actor: Any, reason: str) -> CreditRecord:
    """Withdraw a record entered in error; it stays in the ledger, no longer counted."""
    if not (reason or "").strip():
        raise ValidationError({"reason": "请填写撤销原因。"})
    with transaction.atomic():
        ensure_visible(actor, record)
        locked = CreditRecord.objects.select_for_update().get(pk=record.pk)
        if locked.withdrawn_at is not None:
            return locked
        locked.withdrawn_at = timezone.now()
        locked.withdraw_reason = reason.strip()
        with disable_auditlog():
            locked.save(update_fields=["withdrawn_at", "withdraw_reason"])
        audit(locked, actor, "withdraw", {"withdrawn_at": (None, locked.withdrawn_at)})
        grade_recompute(locked.credit_code)
    return locked
