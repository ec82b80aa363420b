"""Removal from the list: application, decision, expiry and withdrawal."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from supervision.core import policy
from supervision.deadlines.services import deadline_waive, open_deadlines_for

from ...models import (
    OBJECTION_RULE,
    AttachmentPurpose,
    CreditRecord,
    ListingProposal,
    RemovalReason,
)
from ..common import P, add_years, rules_table, today
from ..enforcement import _lift_restrictions
from ..grading import grade_recompute
from ..party import Upload, attach, filing_day
from .common import _forget_clock, _lock, _not_before, _step, policy_for

log = logging.getLogger(__name__)


def proposal_apply_removal(
    proposal: ListingProposal,
    *,
    actor: Any,
    proof: str,
    on: dt.date | None = None,
    attachments: Sequence[Upload] = (),
) -> ListingProposal:
    """信用修复: the party applies for early removal after the minimum period (103号 art. 11:
    2 years, no new serious dishonesty, obligations fulfilled and rectified — the proof). Staff
    record an application received on paper; the institution's account files it online, today,
    with its ``attachments``."""
    on = filing_day(actor, on)
    with transaction.atomic():
        p = _lock(proposal)
        policy.require(actor, p, "apply_removal")
        if p.state == P.REMOVAL_APPLIED:
            return p
        if not (proof or "").strip():
            raise ValidationError({"proof": "请提供已履行义务、完成整改的证明材料说明。"})
        _not_before(on, p.term_starts, "列入")
        if p.permanent:
            raise ValidationError("终身行业禁入不适用提前移出。", code="permanent")
        years = policy_for(p.region).early_removal_min_years
        earliest = add_years(p.term_starts, years) if p.term_starts else None
        if earliest is None or on < earliest:
            if earliest is None:
                _step(p, P.REMOVAL_APPLIED, "apply_removal", actor, {})  # refused: not listed
            raise ValidationError(
                f"列入满 {years} 年后方可申请提前移出：本条目自 {p.term_starts:%Y-%m-%d} 列入，"
                f"最早可于 {earliest:%Y-%m-%d} 申请。",
                code="too_early",
            )
        table = rules_table()
        serious_kinds = [k for k, (_p, _m, _d, s) in table.items() if s]
        new = (
            CreditRecord.objects.filter(
                credit_code=p.credit_code,
                kind__in=serious_kinds,
                effective_on__gt=p.term_starts,
                withdrawn_at__isnull=True,
            )
            .exclude(pk__in=p.evidence.values("pk"))
            .first()
        )
        if new is not None:
            raise ValidationError(
                f"列入期间又发生严重失信行为（{new.get_kind_display()}，{new.effective_on:%Y-%m-%d}），不能申请提前移出。",
                code="new_serious",
            )
        _step(
            p,
            P.REMOVAL_APPLIED,
            "apply_removal",
            actor,
            {"removal_applied_on": on, "removal_proof": proof.strip()},
        )
        attach(p, AttachmentPurpose.REMOVAL, attachments, actor)
        return p


def proposal_decide_removal(
    proposal: ListingProposal, *, actor: Any, approve: bool, opinion: str, on: dt.date | None = None
) -> ListingProposal:
    """Leader's decision on an early-removal application, after reviewing the proof."""
    on = on or today()
    with transaction.atomic():
        p = _lock(proposal)
        policy.require(actor, p, "decide_removal")
        if p.state == P.REMOVED:
            return p
        if not (opinion or "").strip():
            raise ValidationError({"opinion": "请填写审核意见。"})
        if p.state != P.REMOVAL_APPLIED:
            _step(p, P.REMOVED, "decide_removal", actor, {})  # refused: nothing was applied for
        _not_before(on, p.removal_applied_on, "提前移出申请")
        if approve:
            _step(
                p,
                P.REMOVED,
                "decide_removal",
                actor,
                {"removed_on": on, "removal_reason": RemovalReason.EARLY, "removal_opinion": opinion.strip()},
                note=opinion.strip(),
            )
            _lift_restrictions(p, actor, on, "信用修复提前移出")
        else:
            _step(
                p,
                P.PUBLISHED,
                "decide_removal",
                actor,
                {"removal_opinion": opinion.strip()},
                note=opinion.strip(),
            )
        grade_recompute(p.credit_code, on)
        return p


def proposal_expire(proposal: ListingProposal, *, actor: Any, on: dt.date | None = None) -> ListingProposal:
    """Remove an entry whose term has ended (the daily sweep calls this as the system)."""
    on = on or today()
    with transaction.atomic():
        p = _lock(proposal)
        policy.require(actor, p, "expire")
        if p.state == P.REMOVED:
            return p
        if p.permanent or p.term_ends is None or p.term_ends >= on:
            raise ValidationError("列入期限尚未届满。", code="not_expired")
        _step(
            p,
            P.REMOVED,
            "expire",
            actor,
            {"removed_on": on, "removal_reason": RemovalReason.EXPIRED},
            note=f"期限届满（{p.term_ends:%Y-%m-%d}）",
        )
        # The registry's restrictions carry the same term and lapse by themselves.
        grade_recompute(p.credit_code, on)
        return p


def proposal_withdraw(proposal: ListingProposal, *, actor: Any, reason: str) -> ListingProposal:
    """撤回 before a decision; a running objection window ends with it."""
    with transaction.atomic():
        p = _lock(proposal)
        policy.require(actor, p, "withdraw")
        if p.state == P.WITHDRAWN:
            return p
        if not (reason or "").strip():
            raise ValidationError({"reason": "请填写撤回原因。"})
        _step(p, P.WITHDRAWN, "withdraw", actor, {}, note=reason.strip())
        # The withdrawal was authorised by the procedure's own rule: the system waives the
        # window it no longer needs, so that no reminder goes out for a withdrawn proposal.
        for clock in open_deadlines_for(p).filter(rule__code=OBJECTION_RULE):
            deadline_waive(clock, reason=f"拟列入已撤回：{reason.strip()}"[:300], actor=policy.SYSTEM)
        return _forget_clock(p)
