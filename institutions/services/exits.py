"""Exits: 暂停服务 and 终止服务 with the residents' resettlement plan and, for non-profit and
公建民营 institutions, the asset disposal civil affairs then supervises (003 7.)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from supervision.core import policy

from ..models import AssetDisposalStatus, ExitKind, ExitPlan, Institution, InstitutionStatus
from .common import _create, _save, _transition
from .reports import drill_clocks_stop


def institution_suspend(
    inst: Institution,
    *,
    actor: Any,
    effective_on: dt.date,
    reason: str,
    resettlement_plan: str,
    residents_to_resettle: int = 0,
) -> ExitPlan | None:
    """暂停服务 with a resettlement plan for the residents (003 7.). Returns None if already suspended."""
    return _exit(
        inst,
        ExitKind.SUSPEND,
        actor=actor,
        effective_on=effective_on,
        reason=reason,
        resettlement_plan=resettlement_plan,
        residents_to_resettle=residents_to_resettle,
    )


def institution_terminate(
    inst: Institution,
    *,
    actor: Any,
    effective_on: dt.date,
    reason: str,
    resettlement_plan: str,
    residents_to_resettle: int = 0,
    asset_disposal_plan: str = "",
) -> ExitPlan | None:
    """终止服务 with a resettlement plan and, for non-profit and 公建民营 institutions, an asset
    disposal plan that civil affairs then supervises (003 7.)."""
    return _exit(
        inst,
        ExitKind.TERMINATE,
        actor=actor,
        effective_on=effective_on,
        reason=reason,
        resettlement_plan=resettlement_plan,
        residents_to_resettle=residents_to_resettle,
        asset_disposal_plan=asset_disposal_plan,
    )


def _exit(inst: Institution, kind: str, *, actor: Any, **data: Any) -> ExitPlan | None:
    target = InstitutionStatus.SUSPENDED if kind == ExitKind.SUSPEND else InstitutionStatus.TERMINATED
    with transaction.atomic():
        policy.require(actor, Institution.objects.select_for_update().get(pk=inst.pk), "keep")
        errors: dict[str, str] = {}
        if not (data.get("resettlement_plan") or "").strip():
            errors["resettlement_plan"] = "请填写老年人安置方案。"
        if not (data.get("reason") or "").strip():
            errors["reason"] = "请填写原因。"
        asset_required = kind == ExitKind.TERMINATE and inst.is_non_profit
        if asset_required and not (data.get("asset_disposal_plan") or "").strip():
            errors["asset_disposal_plan"] = (
                "非营利性（含公建民营）机构终止服务须提交财产处置方案，接受民政部门监管。"
            )
        if errors:
            raise ValidationError(errors)
        locked, changed = _transition(
            inst, target, "suspend" if kind == ExitKind.SUSPEND else "terminate", actor
        )
        if not changed:
            return None
        plan = ExitPlan(
            institution=locked,
            kind=kind,
            created_by=policy.as_user(actor),
            asset_disposal_status=AssetDisposalStatus.PENDING
            if asset_required
            else AssetDisposalStatus.NOT_REQUIRED,
            **data,
        )
        _create(plan, actor, f"exit_{kind}")
        drill_clocks_stop(locked, reason=f"机构{ExitKind(kind).label}（{plan.effective_on} 起）")
        if kind == ExitKind.TERMINATE:
            # Its accounts (机构端) end with it; the rows and their history stay.
            from institutions.portal.accounts import accounts_disable_for_institution

            accounts_disable_for_institution(actor, locked)
        return plan


def exit_asset_disposal_supervise(plan: ExitPlan, *, actor: Any, note: str) -> ExitPlan:
    """Civil affairs confirms the supervised disposal of a non-profit's assets."""
    with transaction.atomic():
        locked = ExitPlan.objects.select_for_update().get(pk=plan.pk)
        policy.require(actor, locked, "keep")
        if locked.asset_disposal_status == AssetDisposalStatus.SUPERVISED:
            return locked
        if locked.asset_disposal_status != AssetDisposalStatus.PENDING:
            raise ValidationError("该退出事项不涉及财产处置监管。")
        before = {
            "asset_disposal_status": locked.asset_disposal_status,
            "asset_disposal_note": locked.asset_disposal_note,
        }
        locked.asset_disposal_status = AssetDisposalStatus.SUPERVISED
        locked.asset_disposal_note = note
        _save(locked, actor, "asset_disposal_supervise", before)
        return locked
