"""Subsidy claims: filing (staff on the institution's behalf), lines, submission, 民政 review,
财政 approval, payment. One function per state change, each atomic, the policy first.

A claim by an institution on the joint-punishment list or under a restriction is refused
through ``credit.services.restriction_check`` when it is filed, submitted and approved (the
list may change in between), naming the list, the decision number and the term."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from credit.services import restriction_check
from institutions.personal import id_hash, mask_id
from institutions.validators import explain_id_number
from supervision.core import policy
from supervision.core.audit import audit, create_audited, save_audited
from supervision.core.transitions import transition

from ..models import (
    CLAIM_TRANSITIONS,
    CareLevel,
    ClaimLine,
    ClaimStatus,
    FlagStatus,
    LineKind,
    ProgrammeKind,
    SubsidyClaim,
    SubsidyProgramme,
)

# Which line kinds each programme pays for.
KINDS_FOR: dict[str, tuple[str, ...]] = {
    ProgrammeKind.CONSTRUCTION: (LineKind.NEW_BEDS,),
    ProgrammeKind.OPERATION_BED: (LineKind.OCCUPIED_BEDS,),
    ProgrammeKind.OPERATION_RESIDENT: (LineKind.RESIDENT,),
    ProgrammeKind.LIABILITY_INSURANCE: (LineKind.OCCUPIED_BEDS, LineKind.OTHER),
    ProgrammeKind.PURCHASE: (LineKind.RESIDENT, LineKind.OTHER),
    ProgrammeKind.KEY_PROJECT: (LineKind.OTHER,),
}


def measure_for(programme: SubsidyProgramme) -> str:
    """The credit measure that forbids this programme: a purchase of services is government
    purchase (限制参与政府购买服务), every other programme fiscal support."""
    return "no_government_purchase" if programme.kind == ProgrammeKind.PURCHASE else "no_fiscal_support"


def check_not_restricted(institution: Any, programme: SubsidyProgramme, on: dt.date | None = None) -> None:
    """Refuse (ValidationError naming list, decision number and term) a listed institution."""
    if institution.credit_code:
        restriction_check(institution.credit_code, measure_for(programme), on)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def months_between(start: dt.date, end: dt.date) -> list[dt.date]:
    months, current = [], month_start(start)
    while current <= end:
        months.append(current)
        current = (current.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return months


def claim_create(
    actor: Any,
    *,
    programme: SubsidyProgramme,
    institution: Any,
    period_start: dt.date,
    period_end: dt.date,
    basis_note: str = "",
) -> SubsidyClaim:
    """File a claim (草稿) for ``institution`` under ``programme`` for a period of months."""
    with transaction.atomic():
        policy.require(actor, SubsidyClaim, "file", region=institution.region)
        if not programme.active:
            raise ValidationError({"programme": "该补贴项目已停止执行。"})
        if not institution.region.code.startswith(programme.region.prefix):
            raise ValidationError(
                {"institution": f"机构不在补贴项目的实施地区（{programme.region.name}）内。"}
            )
        start, end = month_start(period_start), month_start(period_end)
        if end < start:
            raise ValidationError({"period_end": "截止月份不能早于起始月份。"})
        if len(months_between(start, end)) > 12:
            raise ValidationError({"period_end": "一次申报最多 12 个月。"})
        check_not_restricted(institution, programme)
        claim = SubsidyClaim(
            number=f"tmp-{timezone.now().timestamp()}-{institution.pk}",
            programme=programme,
            institution=institution,
            region=institution.region,
            period_start=start,
            period_end=end,
            basis_note=(basis_note or "").strip(),
            filed_by=policy.as_user(actor),
        )
        create_audited(claim, policy.as_user(actor), "create")
        claim.number = f"BZ{start:%Y}-{claim.pk:06d}"
        claim.save(update_fields=["number"])
    return claim


def _clean_line(claim: SubsidyClaim, row: Mapping[str, Any]) -> dict[str, str]:
    """Errors of one line by field (empty when the line is good)."""
    errors: dict[str, str] = {}
    kind = row.get("kind")
    allowed = KINDS_FOR.get(claim.programme.kind, tuple(LineKind.values))
    if kind not in LineKind.values:
        errors["kind"] = "类别无效。"
    elif kind not in allowed:
        errors["kind"] = f"“{claim.programme.get_kind_display()}”不按“{LineKind(kind).label}”申报。"
    month = row.get("month")
    if not isinstance(month, dt.date):
        errors["month"] = "月份无效，请填写如 2026-10。"
    elif not (claim.period_start <= month_start(month) <= claim.period_end):
        errors["month"] = f"月份不在申报期（{claim.period_start:%Y-%m} 至 {claim.period_end:%Y-%m}）内。"
    quantity = row.get("quantity", 1)
    if not isinstance(quantity, int) or quantity <= 0:
        errors["quantity"] = "数量须为正整数。"
    if kind == LineKind.RESIDENT:
        number = str(row.get("id_number") or "")
        message = explain_id_number(number) if number else "请填写老人身份证号。"
        if message:
            errors["id_number"] = message
        if not str(row.get("resident_name") or "").strip():
            errors["resident_name"] = "请填写老人姓名。"
        level = row.get("care_level") or ""
        if claim.programme.kind == ProgrammeKind.OPERATION_RESIDENT and level not in CareLevel.values:
            errors["care_level"] = "请选择护理等级。"
    return errors


def clean_lines(claim: SubsidyClaim, rows: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    """Errors per row, in order (an empty dict for a good row). Also finds a resident listed
    twice for the same month in this batch."""
    seen: dict[tuple[str, dt.date], int] = {}
    out = []
    for index, row in enumerate(rows):
        errors = _clean_line(claim, row)
        if not errors and row.get("kind") == LineKind.RESIDENT:
            key = (id_hash(str(row["id_number"])), month_start(row["month"]))
            if key in seen:
                errors["id_number"] = f"与第 {seen[key] + 1} 条重复（同一老人同一月份）。"
            else:
                seen[key] = index
        out.append(errors)
    return out


def _line(claim: SubsidyClaim, row: Mapping[str, Any]) -> ClaimLine:
    kind = row["kind"]
    quantity = int(row.get("quantity") or 1)
    level = row.get("care_level") or ""
    number = str(row.get("id_number") or "")
    rate = claim.programme.rate_for(level)
    if row.get("amount") is not None:
        amount = Decimal(str(row["amount"]))
    elif claim.programme.kind == ProgrammeKind.CONSTRUCTION:
        amount = rate * quantity
    else:
        amount = rate * quantity
    return ClaimLine(
        claim=claim,
        institution_id=claim.institution_id,
        month=month_start(row["month"]),
        kind=kind,
        quantity=1 if kind == LineKind.RESIDENT else quantity,
        care_level=level,
        resident_name=str(row.get("resident_name") or "").strip(),
        id_hash=id_hash(number) if number else "",
        id_masked=mask_id(number) if number else "",
        amount=amount,
    )


def _recount(claim: SubsidyClaim) -> None:
    total = claim.lines.aggregate(s=Sum("amount"))["s"] or Decimal("0")
    SubsidyClaim.objects.filter(pk=claim.pk).update(amount_claimed=total, updated_at=timezone.now())
    claim.amount_claimed = total


def claim_add_lines(actor: Any, claim: SubsidyClaim, rows: list[Mapping[str, Any]]) -> int:
    """Add lines to a draft (or returned) claim, all or none; returns how many were added."""
    with transaction.atomic():
        locked = (
            SubsidyClaim.objects.select_for_update(of=("self",)).select_related("programme").get(pk=claim.pk)
        )
        policy.require(actor, locked, "file")
        if not locked.editable:
            raise ValidationError(f"当前状态为“{locked.get_status_display()}”，不能修改申报明细。")
        errors = clean_lines(locked, rows)
        bad = [(i + 1, e) for i, e in enumerate(errors) if e]
        if bad:
            first = "；".join(f"第 {n} 条：{'，'.join(e.values())}" for n, e in bad[:5])
            raise ValidationError(f"申报明细有误：{first}")
        existing = set(locked.lines.filter(kind=LineKind.RESIDENT).values_list("id_hash", "month"))
        lines = [_line(locked, row) for row in rows]
        clash = [ln for ln in lines if ln.kind == LineKind.RESIDENT and (ln.id_hash, ln.month) in existing]
        if clash:
            raise ValidationError(f"{clash[0].id_masked} 在 {clash[0].month:%Y-%m} 已在本申报中。")
        ClaimLine.objects.bulk_create(lines, batch_size=2000)
        _recount(locked)
        audit(locked, policy.as_user(actor), "add_lines", {"lines": (None, len(lines))})
    claim.amount_claimed = locked.amount_claimed
    return len(lines)


def claim_remove_line(actor: Any, line: ClaimLine) -> None:
    with transaction.atomic():
        locked = SubsidyClaim.objects.select_for_update(of=("self",)).get(pk=line.claim_id)
        policy.require(actor, locked, "file")
        if not locked.editable:
            raise ValidationError(f"当前状态为“{locked.get_status_display()}”，不能修改申报明细。")
        audit(locked, policy.as_user(actor), "remove_line", {"line": (line.pk, None)})
        line.delete()
        _recount(locked)


def claim_submit(actor: Any, claim: SubsidyClaim) -> SubsidyClaim:
    """Submit to 民政 for review; the anomaly rules run on the claim at once."""
    with transaction.atomic():
        check_not_restricted(claim.institution, claim.programme)
        if not claim.lines.exists():
            raise ValidationError("申报没有明细，不能提交。")
        locked, changed = transition(
            claim,
            ClaimStatus.SUBMITTED,
            step="submit",
            actor=actor,
            action="file",
            field="status",
            table=CLAIM_TRANSITIONS,
            updates={"submitted_at": timezone.now()},
        )
    if changed:
        from .anomalies import run_rules

        run_rules(claim_ids=[locked.pk])
    return locked


def claim_review(actor: Any, claim: SubsidyClaim, *, decision: str, note: str = "") -> SubsidyClaim:
    """民政 review: ``pass`` (to 财政), ``return`` (for correction) or ``reject``."""
    targets = {
        "pass": (ClaimStatus.REVIEWED, "review"),
        "return": (ClaimStatus.RETURNED, "return"),
        "reject": (ClaimStatus.REJECTED, "reject"),
    }
    if decision not in targets:
        raise ValidationError({"decision": "请选择审核意见。"})
    if decision != "pass" and not (note or "").strip():
        raise ValidationError({"note": "退回或不予补贴时请填写理由。"})
    target, step = targets[decision]
    with transaction.atomic():
        if decision == "pass" and claim.flags.exclude(status=FlagStatus.CLOSED).exists():
            raise ValidationError("该申报有未办结的资金疑点，须先复核疑点再审核通过。")
        locked, _changed = transition(
            claim,
            target,
            step=step,
            actor=actor,
            action="review",
            field="status",
            table=CLAIM_TRANSITIONS,
            updates={
                "reviewed_by": policy.as_user(actor),
                "reviewed_at": timezone.now(),
                "review_note": (note or "").strip(),
            },
        )
    return locked


def claim_approve(
    actor: Any, claim: SubsidyClaim, *, decision: str, amount: Decimal | None = None, note: str = ""
) -> SubsidyClaim:
    """财政 approval of a reviewed claim: ``approve`` with the approved amount (default: the
    amount claimed), ``return`` or ``reject``. A listed institution is refused here too."""
    if decision not in ("approve", "return", "reject"):
        raise ValidationError({"decision": "请选择审批意见。"})
    if decision != "approve" and not (note or "").strip():
        raise ValidationError({"note": "退回或不予补贴时请填写理由。"})
    with transaction.atomic():
        if decision == "approve":
            check_not_restricted(claim.institution, claim.programme)
            if claim.flags.exclude(status=FlagStatus.CLOSED).exists():
                raise ValidationError("该申报有未办结的资金疑点，须先复核疑点再审批。")
            value = claim.amount_claimed if amount is None else Decimal(amount)
            if value <= 0 or value > claim.amount_claimed:
                raise ValidationError({"amount": "核定金额须大于 0 且不超过申报金额。"})
            target, step = ClaimStatus.APPROVED, "approve"
        else:
            value = None
            target, step = (
                (ClaimStatus.RETURNED, "return") if decision == "return" else (ClaimStatus.REJECTED, "reject")
            )
        locked, _changed = transition(
            claim,
            target,
            step=step,
            actor=actor,
            action="approve",
            field="status",
            table=CLAIM_TRANSITIONS,
            updates={
                "approved_by": policy.as_user(actor),
                "approved_at": timezone.now(),
                "approval_note": (note or "").strip(),
                "amount_approved": value,
            },
        )
    return locked


def claim_pay(
    actor: Any, claim: SubsidyClaim, *, paid_on: dt.date, reference: str, amount: Decimal | None = None
) -> SubsidyClaim:
    """Record the payment of an approved claim (财政)."""
    if not (reference or "").strip():
        raise ValidationError({"payment_reference": "请填写拨付凭证号。"})
    with transaction.atomic():
        value = claim.amount_approved if amount is None else Decimal(amount)
        if (
            value is None
            or value <= 0
            or (claim.amount_approved is not None and value > claim.amount_approved)
        ):
            raise ValidationError({"paid_amount": "拨付金额须大于 0 且不超过核定金额。"})
        if paid_on > timezone.localdate():
            raise ValidationError({"paid_on": "拨付日期不能晚于今天。"})
        locked, _changed = transition(
            claim,
            ClaimStatus.PAID,
            step="pay",
            actor=actor,
            action="pay",
            field="status",
            table=CLAIM_TRANSITIONS,
            updates={
                "paid_on": paid_on,
                "paid_amount": value,
                "payment_reference": reference.strip(),
                "paid_by": policy.as_user(actor),
            },
        )
    return locked


def programme_save(actor: Any, programme: SubsidyProgramme, *, created: bool) -> SubsidyProgramme:
    """Create or update a programme (民政 or 财政 of its region)."""
    with transaction.atomic():
        policy.require(actor, programme, "keep")
        if programme.domain_id is None:
            from supervision.core.models import Domain

            programme.domain = Domain.objects.filter(code="fiscal_funds").first()
        if created:
            create_audited(programme, policy.as_user(actor), "create", clean=True)
        else:
            before = dict(SubsidyProgramme.objects.filter(pk=programme.pk).values().get())
            programme.full_clean()
            fields = [f.attname for f in programme._meta.concrete_fields if f.attname != "id"]
            save_audited(
                programme,
                policy.as_user(actor),
                "update",
                {f: before.get(f) for f in fields if f not in ("created_at", "updated_at")},
            )
    return programme
