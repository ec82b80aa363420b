"""行政处罚: record a decision (published, fed to the credit ledger), its reconsideration or
litigation status, and the early end of its publication (信用修复)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from inspections.models import Finding
from institutions.models import Institution
from supervision.core import policy
from supervision.core.audit import create_audited, save_audited
from supervision.core.models import Department, Region

from ..models import AppealStatus, Penalty, PenaltyKind, earliest_early_end, publication_end
from .common import county_of, credit, issuing_post, today, visible


def penalty_record(
    institution: Institution,
    *,
    actor: Any,
    decision_number: str,
    kind: str,
    facts: str,
    legal_basis: str,
    decided_on: dt.date,
    fine_amount: Decimal | None = None,
    confiscated: str = "",
    findings: Iterable[Finding] = (),
    department: Department | None = None,
) -> Penalty:
    """Record an administrative penalty decision, publish it and feed it to the credit ledger.
    The deciding body is the actor's post covering the institution (``issuing_post``), or
    ``department`` when the system records one."""
    visible(actor, institution)
    findings = list(findings)
    post = issuing_post(actor, institution)
    if department is None and post is not None:
        department = post.department
    policy.require(actor, Penalty, "create", region=institution.region, department=department)
    if department is None:  # the policy refuses a user without a post: only the system gets here
        raise ValueError("penalty_record by the system needs the deciding department")
    region = county_of(post.region) if post is not None else (institution.county or institution.region)
    errors: dict[str, str] = {}
    if not (decision_number or "").strip():
        errors["decision_number"] = "请填写处罚决定书文号。"
    elif Penalty.objects.filter(department=department, decision_number=decision_number.strip()).exists():
        errors["decision_number"] = "该决定书文号已登记。"
    if kind not in PenaltyKind.values:
        errors["kind"] = "处罚种类无效。"
    if kind == PenaltyKind.FINE and (fine_amount is None or fine_amount <= 0):
        errors["fine_amount"] = "罚款须填写金额。"
    if not (facts or "").strip():
        errors["facts"] = "请填写违法事实。"
    if not (legal_basis or "").strip():
        errors["legal_basis"] = "请填写处罚依据。"
    if decided_on is None or decided_on > today():
        errors["decided_on"] = "决定日期不能为空或晚于今天。"
    if any(f.institution_id != institution.pk for f in findings):
        errors["findings"] = "关联的问题须属于同一机构。"
    if errors:
        raise ValidationError(errors)
    try:
        return _penalty_insert(
            institution,
            actor=actor,
            department=department,
            region=region,
            decision_number=decision_number,
            kind=kind,
            facts=facts,
            legal_basis=legal_basis,
            decided_on=decided_on,
            fine_amount=fine_amount,
            confiscated=confiscated,
            findings=findings,
        )
    except IntegrityError as exc:  # the same number registered by someone else a moment ago
        raise ValidationError({"decision_number": "该决定书文号已登记。"}) from exc


def _penalty_insert(
    institution: Institution,
    *,
    actor: Any,
    department: Department,
    region: Region,
    decision_number: str,
    kind: str,
    facts: str,
    legal_basis: str,
    decided_on: dt.date,
    fine_amount: Decimal | None,
    confiscated: str,
    findings: list[Finding],
) -> Penalty:
    with transaction.atomic():
        penalty = create_audited(
            Penalty(
                institution=institution,
                department=department,
                region=region,
                decision_number=decision_number.strip(),
                kind=kind,
                fine_amount=fine_amount if kind == PenaltyKind.FINE else None,
                confiscated=confiscated.strip(),
                facts=facts.strip(),
                legal_basis=legal_basis.strip(),
                decided_on=decided_on,
                legal_representative=institution.legal_representative,
                published_on=today(),
                # The term runs from the decision (自行政处罚决定之日起), so a decision
                # recorded late is public for what is left of it.
                published_until=publication_end(decided_on, f"penalty.{kind}"),
                public_changed_at=timezone.now(),
                recorded_by=policy.as_user(actor),
            ),
            actor,
            "record",
        )
        if findings:
            penalty.findings.set(findings)
        credit(
            institution,
            "penalty",
            title=f"行政处罚（{penalty.get_kind_display()}）：{penalty.facts[:80]}",
            source=penalty,
            document=penalty.decision_number,
            effective=decided_on,
            person_name=institution.legal_representative,
            domain=findings[0].domain if findings else None,
            department=department,
            entered_by=actor,
        )
    return penalty


def _lock_penalty(penalty: Penalty, actor: Any, action: str) -> Penalty:
    """Re-read the penalty under a row lock (its own row only) and ask the policy whether
    ``actor`` may ``action`` it: the deciding department's acting posts over its region."""
    penalty = (
        Penalty.objects.select_for_update(of=("self",))
        .select_related("department", "region", "institution__region")
        .get(pk=penalty.pk)
    )
    policy.require(actor, penalty, action)
    return penalty


def penalty_set_appeal(penalty: Penalty, *, actor: Any, status: str) -> Penalty:
    """Record reconsideration/litigation and its outcome; a revoked decision leaves the public
    list and its credit record is withdrawn."""
    visible(actor, penalty)
    with transaction.atomic():
        penalty = _lock_penalty(penalty, actor, "appeal")
        if status not in AppealStatus.values:
            raise ValidationError({"appeal_status": "复议诉讼状态无效。"})
        if penalty.appeal_status == status:
            return penalty
        if penalty.appeal_status == AppealStatus.REVOKED:
            raise ValidationError(
                {
                    "appeal_status": "该处罚决定已经复议或诉讼撤销，不能再变更复议诉讼状态；"
                    "如重新作出处罚，请另行登记。"
                }
            )
        before = {"appeal_status": penalty.appeal_status, "public_changed_at": penalty.public_changed_at}
        penalty.appeal_status = status
        # The public row shows the appeal status (and a revoked decision leaves the list): the
        # change feed reads this time.
        penalty.public_changed_at = timezone.now()
        save_audited(penalty, actor, "appeal", before)
        if status == AppealStatus.REVOKED:
            _withdraw_credit(penalty, actor)
    return penalty


def penalty_end_publication(penalty: Penalty, *, actor: Any, ended_on: dt.date, reason: str) -> Penalty:
    """信用修复: end a penalty's publication early, on the party's application, so that it is off
    the public pages from ``ended_on`` (its last public day becomes the day before). Only the
    deciding department's acting posts may do it, only for a penalty other than a warning (whose
    3 months are fixed), only once it has been public for the minimum term from the decision
    (``CREDIT_REPAIR_MINIMUM_MONTHS``), never backdated and never to lengthen the period. The
    change feed reports the delete (``public_changed_at``)."""
    visible(actor, penalty)
    with transaction.atomic():
        penalty = _lock_penalty(penalty, actor, "end_publication")
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError({"reason": "请填写提前结束公示的理由（当事人的信用修复申请及审核意见）。"})
        if penalty.publication_ended_on == ended_on and penalty.publication_end_reason == reason:
            return penalty
        if penalty.published_on is None or penalty.published_until is None:
            raise ValidationError({"ended_on": "该处罚决定未公示，无需结束公示。"})
        if penalty.appeal_status == AppealStatus.REVOKED:
            raise ValidationError({"ended_on": "该处罚决定已经复议或诉讼撤销，已不再公示。"})
        if penalty.kind == PenaltyKind.WARNING:
            raise ValidationError(
                {"ended_on": "警告类行政处罚信息的公示期为固定的3个月，期满自动撤下，不能提前结束公示。"}
            )
        earliest = earliest_early_end(penalty.decided_on)
        if ended_on < earliest:
            raise ValidationError(
                {
                    "ended_on": f"行政处罚信息自决定之日起公示满6个月后方可经信用修复提前结束公示："
                    f"本处罚决定日期为{penalty.decided_on:%Y-%m-%d}，最早可自{earliest:%Y-%m-%d}起不再公示。"
                }
            )
        if ended_on < today():
            raise ValidationError({"ended_on": "结束公示的日期不能早于今天（已公示的日子不能追溯撤回）。"})
        if ended_on > penalty.published_until:
            raise ValidationError(
                {
                    "ended_on": f"该处罚公示至{penalty.published_until:%Y-%m-%d}，所填日期不早于公示期满，"
                    "无需提前结束。"
                }
            )
        before = {
            "published_until": penalty.published_until,
            "publication_ended_on": penalty.publication_ended_on,
            "publication_end_reason": penalty.publication_end_reason,
            "public_changed_at": penalty.public_changed_at,
        }
        penalty.published_until = ended_on - dt.timedelta(days=1)
        penalty.publication_ended_on = ended_on
        penalty.publication_end_reason = reason
        # The feed reports the change now: a delete if it is already off today, else the new
        # last day, then the delete at that midnight.
        penalty.public_changed_at = timezone.now()
        save_audited(penalty, actor, "end_publication", before)
    return penalty


def _withdraw_credit(penalty: Penalty, actor: Any) -> None:
    from django.contrib.contenttypes.models import ContentType

    from credit.models import CreditRecord
    from credit.services.ledger import record_withdraw

    records = CreditRecord.objects.filter(
        source_type=ContentType.objects.get_for_model(Penalty),
        source_id=penalty.pk,
        withdrawn_at__isnull=True,
    )
    for record in records:
        record_withdraw(record, actor=actor, reason=f"处罚决定 {penalty.decision_number} 经复议或诉讼撤销")
