"""The registry record itself: creating and editing an institution, and the status steps that
need no extra data (each through the one transition helper, civil affairs' to keep)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from supervision.core import policy

from ..models import Institution, InstitutionStatus, RegistrationAuthority
from ..validators import normalise_credit_code, validate_credit_code
from .common import _create, _save, _transition

EDITABLE_FIELDS = (
    "credit_code",
    "name",
    "kind",
    "nature",
    "registration_authority",
    "region",
    "address",
    "beds",
    "floor_area",
    "premises_ownership",
    "contact_phone",
    "complaint_phone",
    "service_items",
    "fee_standards",
    "party_organisation",
    "fire_acceptance",
    "fire_acceptance_note",
    "is_key_fire_unit",
    "food_licence",
    "introduction",
    "opened_on",
    "rules",
    "medical_service",
    "residents",
    "disclosure_updated_on",
)


def institution_create(*, actor: Any, **fields: Any) -> Institution:
    """Register an institution in the registry. Without a credit code it is recorded as
    未登记（黑机构）; with one, as 登记未备案 (filing moves it on). Civil affairs keeps the
    registry, judged for the region the new institution lies in."""
    with transaction.atomic():
        policy.require_ever(actor, Institution, "keep")
        _require_region(actor, Institution, fields.get("region"), "keep")
        if fields.get("credit_code"):
            fields["credit_code"] = normalise_credit_code(fields["credit_code"])
        else:
            fields["credit_code"] = None
        status = fields.pop("status", None)
        if status is None:
            status = (
                InstitutionStatus.REGISTERED_NOT_FILED
                if fields["credit_code"]
                else InstitutionStatus.UNREGISTERED
            )
        if status == InstitutionStatus.UNREGISTERED:
            fields.setdefault("registration_authority", RegistrationAuthority.NONE)
        inst = Institution(status=status, **fields)
        _create(inst, actor, "create")
    return inst


def _require_region(actor: Any, target: Any, region: Any, action: str) -> None:
    """The region an institution is created in, or moved to, must lie where the actor keeps
    the registry (``policy.require(actor, target, action, region=region)``), so an institution
    never lands outside the jurisdiction of the one who put it there. A missing region is left
    to the model's validation."""
    if region is None and not (policy.is_system(actor) or getattr(actor, "is_superuser", False)):
        raise ValidationError({"region": "请选择所在乡镇（街道）。"})
    allowed, _reason = policy.decide(actor, target, action, region=region)
    if not allowed:
        raise policy.Denied(f"所选乡镇（街道）{region.full_name()}不在您维护机构名录的辖区内。")


def institution_update(inst: Institution, *, actor: Any, **fields: Any) -> Institution:
    """Edit registry facts (not the status, which only transitions change)."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    with transaction.atomic():
        locked = Institution.objects.select_for_update().get(pk=inst.pk)
        policy.require(actor, locked, "edit")
        region = fields.get("region")
        if region is not None and region.pk != locked.region_id:
            # A move is judged where the institution goes too (the same rule as a create).
            _require_region(actor, locked, region, "edit")
        if "credit_code" in fields:
            fields["credit_code"] = normalise_credit_code(fields["credit_code"] or "") or None
        attnames = {("region_id" if f == "region" else f): f for f in fields}
        before = {att: getattr(locked, att) for att in attnames}
        for name, value in fields.items():
            setattr(locked, name, value)
        if all(before[att] == getattr(locked, att) for att in attnames):
            return locked
        locked.full_clean()
        if "name" in fields or "kind" in fields:
            before["name_nonstandard"] = locked.name_nonstandard
        _save(locked, actor, "update", before)
    return locked


def institution_mark_not_operating(inst: Institution, *, actor: Any) -> Institution:
    """登记但未开展养老服务: registered with elderly care in scope, not actually operating."""
    with transaction.atomic():
        return _transition(inst, InstitutionStatus.REGISTERED_NOT_OPERATING, "mark_not_operating", actor)[0]


def institution_mark_operating(inst: Institution, *, actor: Any) -> Institution:
    """A registered-not-operating institution starts serving residents (and must then file)."""
    with transaction.atomic():
        return _transition(inst, InstitutionStatus.REGISTERED_NOT_FILED, "mark_operating", actor)[0]


def institution_register(inst: Institution, *, actor: Any, credit_code: str, authority: str) -> Institution:
    """An unregistered (black) institution obtains its registration: record the credit code."""
    with transaction.atomic():
        policy.require(actor, Institution.objects.select_for_update().get(pk=inst.pk), "keep")
        code = normalise_credit_code(credit_code)
        validate_credit_code(code)
        if Institution.objects.filter(credit_code=code).exclude(pk=inst.pk).exists():
            raise ValidationError("该统一社会信用代码已属于另一家机构。")
        if authority == RegistrationAuthority.NONE:
            raise ValidationError("请选择登记管理机关。")
        return _transition(
            inst,
            InstitutionStatus.REGISTERED_NOT_FILED,
            "register",
            actor,
            {"credit_code": code, "registration_authority": authority},
        )[0]


def institution_file(inst: Institution, *, actor: Any) -> Institution:
    """Mark as 已备案 (called by ``filing_submit``, which records the filing itself)."""
    with transaction.atomic():
        return _transition(inst, InstitutionStatus.FILED, "file", actor)[0]


def institution_resume(inst: Institution, *, actor: Any, resumed_on: dt.date | None = None) -> Institution:
    """A suspended, filed institution resumes service: its drill clocks start again."""
    from .reports import drill_clocks_open

    with transaction.atomic():
        locked, changed = _transition(inst, InstitutionStatus.FILED, "resume", actor)
        if changed:
            drill_clocks_open(locked, resumed_on or timezone.localdate())
        return locked
