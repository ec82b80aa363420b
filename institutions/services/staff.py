"""从业人员: hiring (refused for banned persons and for certified roles without a valid
certificate), leaving, certificates and training records — registry facts civil affairs keeps."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from supervision.core import policy

from ..models import CERTIFIED_ROLES, Certificate, Institution, Staff, StaffRole, TrainingRecord
from .common import _create, _save
from .persons import ensure_not_restricted, person_for


def staff_appoint(
    inst: Institution,
    *,
    actor: Any,
    name: str,
    id_number: str,
    role: str,
    hired_on: dt.date,
    skill_level: str = "",
    certificate: dict[str, Any] | None = None,
) -> Staff:
    """Employ a person as staff. Refused for a person under an industry ban (anywhere), and for
    医疗护理/康复治疗/消防管理 roles without a certificate valid on the hiring day."""
    with transaction.atomic():
        policy.require(actor, Institution.objects.select_for_update().get(pk=inst.pk), "keep")
        if role in CERTIFIED_ROLES:
            expires = (certificate or {}).get("expires_on")
            if not certificate or not certificate.get("name"):
                raise ValidationError(
                    {"certificate_name": f"{StaffRole(role).label}须持有相应资格证书，请填写证书信息。"}
                )
            if expires is not None and expires < hired_on:
                raise ValidationError({"certificate_expires_on": f"资格证书已于 {expires} 过期，不能上岗。"})
        person = person_for(name, id_number)
        ensure_not_restricted(person, "staff", hired_on)
        existing = Staff.objects.filter(
            institution=inst, person=person, role=role, left_on__isnull=True
        ).first()
        if existing is not None:
            return existing
        staff = Staff(institution=inst, person=person, role=role, hired_on=hired_on, skill_level=skill_level)
        _create(staff, actor, "staff_appoint")
        if certificate and certificate.get("name"):
            certificate_add(staff, actor=actor, **certificate)
    return staff


def staff_leave(staff: Staff, *, actor: Any, left_on: dt.date) -> Staff:
    with transaction.atomic():
        locked = Staff.objects.select_for_update().select_related("institution__region").get(pk=staff.pk)
        policy.require(actor, locked, "keep")
        if locked.left_on is not None:
            return locked
        before = {"left_on": None}
        locked.left_on = left_on
        _save(locked, actor, "staff_leave", before)
        return locked


def certificate_add(
    staff: Staff,
    *,
    actor: Any,
    name: str,
    number: str = "",
    issued_on: dt.date | None = None,
    expires_on: dt.date | None = None,
) -> Certificate:
    cert = Certificate(staff=staff, name=name, number=number, issued_on=issued_on, expires_on=expires_on)
    with transaction.atomic():
        policy.require(actor, staff, "keep")
        _create(cert, actor, "certificate_add")
    return cert


def training_record(
    staff: Staff, *, actor: Any, course: str, held_on: dt.date, provider: str = "", hours: Decimal | int = 0
) -> TrainingRecord:
    record = TrainingRecord(staff=staff, course=course, held_on=held_on, provider=provider, hours=hours)
    with transaction.atomic():
        policy.require(actor, staff, "keep")
        _create(record, actor, "training")
    return record


def staff_missing_certificates(qs: Iterable[Staff] | None = None, on: dt.date | None = None) -> list[Staff]:
    """Active staff in certified roles without a certificate valid on ``on``."""
    on = on or timezone.localdate()
    staff = qs if qs is not None else Staff.objects.filter(left_on__isnull=True, role__in=CERTIFIED_ROLES)
    return [
        s
        for s in staff
        if s.role in CERTIFIED_ROLES and not any(c.is_valid_on(on) for c in s.certificates.all())
    ]
