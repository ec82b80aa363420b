"""Recovery (追缴) of subsidies obtained by false claims (骗取补贴).

002 (五): 对存在骗取政府补贴资金情形的养老服务机构，要全额追回骗取的补贴资金，同时依法依规严厉处罚;
000 (三): 对骗取财政补贴资金的，按照《山东省养老服务条例》第七十一条给予处罚.

``recovery_issue`` issues the 追缴通知书 for the full amount paid (an official PDF through
``supervision.documents``) with the ``subsidy.recovery`` clock of the deadline engine (a house
default, said so in the rule), records the ``subsidy_fraud`` credit fact through the credit
service, and moves the claim to 追缴中. Repayments (partial ones too) are recorded until the
amount is returned; the last one meets the clock and closes the claim as 已追缴.

The penalty itself goes through the existing penalty service (``inspections.rectification``,
a peer on the top floor that funds does not import) by way of the registry in
``credit.penalties`` (``recovery_record_penalty``); its decision number is kept on the order."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from credit.penalties import record_penalty
from credit.services import record_fact
from supervision.core import policy
from supervision.core.audit import create_audited, save_audited
from supervision.core.models import Department
from supervision.core.transitions import transition
from supervision.deadlines.services import deadline_meet, deadline_open
from supervision.documents import services as documents

from ..models import (
    CLAIM_TRANSITIONS,
    RECOVERY_KIND,
    RECOVERY_KIND_SHORT,
    RECOVERY_RULE,
    ClaimStatus,
    RecoveryOrder,
    RecoveryStatus,
    Repayment,
    SubsidyClaim,
)

RECOVERY_TEMPLATE = "documents/subsidy_recovery.html"
RECOVERY_TITLE = "追缴补贴资金通知书"


def _county(region: Any) -> Any:
    for node in [region, *region.ancestors()]:
        if node.level == 3:
            return node
    return region


def recovery_context(
    order: RecoveryOrder, *, on: dt.date, number: str, preview: bool = False
) -> dict[str, Any]:
    department = Department.objects.get(is_lead=True)
    return {
        "title": RECOVERY_TITLE,
        "order": order,
        "claim": order.claim,
        "institution": order.institution,
        "number": number,
        "on": on,
        "preview": preview,
        **documents.issuer_context(department, order.issuing_region, user=order.issued_by),
    }


def recovery_issue(
    actor: Any, claim: SubsidyClaim, *, facts: str, on: dt.date | None = None
) -> RecoveryOrder:
    """Issue the recovery order for the full amount paid on ``claim``."""
    on = on or timezone.localdate()
    if not (facts or "").strip():
        raise ValidationError({"facts": "请写明骗取补贴的事实。"})
    with transaction.atomic():
        locked = SubsidyClaim.objects.select_for_update(of=("self",)).get(pk=claim.pk)
        policy.require(actor, locked, "recover")
        if locked.status != ClaimStatus.PAID:
            raise ValidationError(f"当前状态为“{locked.get_status_display()}”，只能对已拨付的补贴下达追缴。")
        amount = locked.paid_amount or locked.amount_approved or locked.amount_claimed
        county = _county(locked.region)
        department = Department.objects.get(is_lead=True)
        order = RecoveryOrder(
            claim=locked,
            institution=locked.institution,
            region=locked.region,
            issuing_region=county,
            amount=amount,
            facts=facts.strip(),
            issued_on=on,
            issued_by=policy.as_user(actor),
        )
        create_audited(order, policy.as_user(actor), "recover")
        clock = deadline_open(
            order, RECOVERY_RULE, on, department=department, region=county, note=f"追缴 {locked.number}"
        )
        order.due_on = clock.due
        number = documents.document_allocate_number(
            kind=RECOVERY_KIND,
            kind_short=RECOVERY_KIND_SHORT,
            department=department,
            region=county,
            year=on.year,
        )
        shown = copy.copy(order)
        html, pdf = documents.render_document(
            RECOVERY_TEMPLATE, recovery_context(shown, on=on, number=number)
        )
        order.document = documents.document_store(
            kind=RECOVERY_KIND,
            title=f"{RECOVERY_TITLE}（{locked.institution.name}）",
            pdf=pdf,
            source_html=html,
            department=department,
            region=county,
            number=number,
            subject=order,
            created_by=policy.as_user(actor),
        )
        order.save(update_fields=["due_on", "document"])
        transition(
            locked,
            ClaimStatus.RECOVERING,
            step="recover",
            actor=actor,
            action=None,
            field="status",
            table=CLAIM_TRANSITIONS,
        )
        if locked.institution.credit_code:
            record_fact(
                locked.institution.credit_code,
                "subsidy_fraud",
                title=f"骗取补贴资金：{locked.programme.name}（申报 {locked.number}），追缴 {amount} 元",
                source=order,
                document=f"{RECOVERY_TITLE} {number}",
                effective=on,
                domain="fiscal_funds",
                department=department,
                entered_by=policy.as_user(actor),
            )
    return order


def repayment_record(
    actor: Any, order: RecoveryOrder, *, amount: Decimal, paid_on: dt.date, reference: str = ""
) -> Repayment:
    """Record money returned under ``order``; a partial repayment keeps the order open."""
    with transaction.atomic():
        locked = RecoveryOrder.objects.select_for_update(of=("self",)).get(pk=order.pk)
        policy.require(actor, locked, "repay")
        if locked.status == RecoveryStatus.REPAID:
            raise ValidationError("该追缴已全额退回。")
        value = Decimal(str(amount))
        outstanding = locked.outstanding
        if value <= 0:
            raise ValidationError({"amount": "退回金额须大于 0。"})
        if value > outstanding:
            raise ValidationError({"amount": f"退回金额超过尚欠金额（{outstanding} 元）。"})
        if paid_on > timezone.localdate():
            raise ValidationError({"paid_on": "退回日期不能晚于今天。"})
        if paid_on < locked.issued_on:
            raise ValidationError({"paid_on": "退回日期不能早于追缴下达日期。"})
        repayment = Repayment(
            order=locked,
            amount=value,
            paid_on=paid_on,
            reference=(reference or "").strip(),
            recorded_by=policy.as_user(actor),
        )
        create_audited(repayment, policy.as_user(actor), "repay")
        full = value == outstanding
        before = {"status": locked.status}
        locked.status = RecoveryStatus.REPAID if full else RecoveryStatus.PARTLY_REPAID
        save_audited(locked, policy.as_user(actor), "repay", before)
        if full:
            deadline_meet(locked, RECOVERY_RULE, by=repayment)
            transition(
                locked.claim,
                ClaimStatus.RECOVERED,
                step="repay",
                actor=actor,
                action=None,
                field="status",
                table=CLAIM_TRANSITIONS,
            )
    return repayment


def recovery_record_penalty(
    actor: Any,
    order: RecoveryOrder,
    *,
    decision_number: str,
    kind: str,
    legal_basis: str,
    decided_on: dt.date,
    fine_amount: Decimal | None = None,
) -> Any:
    """Record the penalty of the fraud through the existing penalty service (the penalty
    procedure registers it in ``credit.penalties``; funds does not import it): the facts are
    those of the recovery order; the penalty row is published and fed to the credit ledger
    there, and its decision number is kept on the order."""
    with transaction.atomic():
        locked = RecoveryOrder.objects.select_for_update(of=("self",)).get(pk=order.pk)
        policy.require(actor, locked, "keep")
        if locked.penalty_decision:
            raise ValidationError({"decision_number": f"该追缴已登记行政处罚（{locked.penalty_decision}）。"})
        penalty = record_penalty(
            locked.institution,
            actor=actor,
            decision_number=decision_number,
            kind=kind,
            facts=f"骗取补贴资金：{locked.facts}",
            legal_basis=legal_basis,
            decided_on=decided_on,
            fine_amount=fine_amount,
        )
        before = {"penalty_decision": locked.penalty_decision}
        locked.penalty_decision = penalty.decision_number
        save_audited(locked, policy.as_user(actor), "penalty", before)
    return penalty
