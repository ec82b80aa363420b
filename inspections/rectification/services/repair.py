"""信用修复 of a penalty's publication applied for online (机构端, issue 17).

The institution's own account applies (``repair_apply``) with its statement and files, where the
rules allow: not for a warning (its 3 months are fixed), not before the penalty has been public
for the minimum term from the decision (``earliest_early_end``), not when its publication has
already ended, and not while an application is pending. The deciding department's acting posts
decide (``repair_decide``): a grant ends the publication from today through
``penalty_end_publication``; a refusal states its reason, which the institution sees."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from supervision.core import policy
from supervision.core.audit import create_audited
from supervision.core.transitions import transition
from supervision.files import store as files

from ..institution_models import REPAIR_TRANSITIONS, PenaltyRepairApplication, RepairAttachment, RepairState
from ..models import AppealStatus, Penalty, PenaltyKind, earliest_early_end
from .common import today, visible
from .penalties import penalty_end_publication

Upload = tuple[str, "bytes | File"]
MAX_ATTACHMENTS = 6


def _day(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def repair_refusal(penalty: Penalty) -> str:
    """Why the institution may not apply for credit repair of ``penalty`` today ("" if it may)."""
    if penalty.kind == PenaltyKind.WARNING:
        return "警告类行政处罚信息的公示期为固定的3个月，期满自动撤下，不适用信用修复提前结束公示。"
    if penalty.appeal_status == AppealStatus.REVOKED:
        return "该处罚决定已经复议或诉讼撤销，已不再公示。"
    if penalty.publication_ended_on is not None or not penalty.is_public(today()):
        return "该处罚信息已结束公示，无需申请信用修复。"
    earliest = earliest_early_end(penalty.decided_on)
    if today() < earliest:
        return (
            f"行政处罚信息自决定之日起公示满6个月后方可申请信用修复：本处罚决定日期为"
            f"{_day(penalty.decided_on)}，最早可于{_day(earliest)}申请。"
        )
    if penalty.repair_applications.filter(state=RepairState.PENDING).exists():
        return "已有一份信用修复申请正在审核，请等待处罚机关的审核结果。"
    return ""


def repair_apply(
    penalty: Penalty, *, actor: Any, statement: str, attachments: Sequence[Upload] = ()
) -> PenaltyRepairApplication:
    """信用修复申请: the institution's own account applies, today, with its statement (理由:
    obligations fulfilled, violation rectified) and up to ``MAX_ATTACHMENTS`` files."""
    visible(actor, penalty)
    with transaction.atomic():
        penalty = (
            Penalty.objects.select_for_update(of=("self",))
            .select_related("department", "institution__region")
            .get(pk=penalty.pk)
        )
        policy.require(
            actor,
            PenaltyRepairApplication,
            "apply",
            institution=penalty.institution,
            region=penalty.institution.region,
            department=penalty.department,
        )
        refusal = repair_refusal(penalty)
        if refusal:
            raise ValidationError(refusal, code="not_allowed")
        statement = (statement or "").strip()
        if not statement:
            raise ValidationError({"statement": "请填写申请理由（已履行处罚决定、完成整改等情况）。"})
        if len(attachments) > MAX_ATTACHMENTS:
            raise ValidationError({"attachments": f"申请材料最多上传 {MAX_ATTACHMENTS} 个文件。"})
        application = create_audited(
            PenaltyRepairApplication(
                penalty=penalty,
                filed_at=timezone.now(),
                filed_by=policy.as_user(actor),
                statement=statement,
            ),
            actor,
            "repair_apply",
        )
        for name, data in attachments:
            with files.receive(
                data, name=name, accept=files.EVIDENCE, area="rectification", actor=actor, field="attachments"
            ) as stored:
                assert stored is not None
                create_audited(
                    RepairAttachment(
                        application=application,
                        name=stored.original_name,
                        path=stored.name,
                        sha256=stored.sha256,
                    ),
                    actor,
                    "upload",
                )
    return application


def repair_decide(
    application: PenaltyRepairApplication, *, actor: Any, grant: bool, reason: str = ""
) -> PenaltyRepairApplication:
    """审核: the deciding department grants the application, which ends the penalty's publication
    from today (``penalty_end_publication`` with the application's statement and the opinion),
    or refuses it with its reason (required)."""
    visible(actor, application)
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = PenaltyRepairApplication.objects.select_for_update(of=("self",)).get(pk=application.pk)
        policy.require(actor, locked, "decide")
        if locked.state != RepairState.PENDING:
            return locked  # decided already (a repeated click)
        if not grant and not reason:
            raise ValidationError({"reason": "不予同意的，请填写理由。"})
        target = RepairState.GRANTED if grant else RepairState.REFUSED
        locked, _changed = transition(
            locked,
            target,
            step="repair_decide",
            actor=actor,
            table=REPAIR_TRANSITIONS,
            updates={
                "decided_by": policy.as_user(actor),
                "decided_at": timezone.now(),
                "decision_reason": reason,
            },
        )
        if grant:
            end_reason = (
                f"当事人于{_day(timezone.localtime(locked.filed_at).date())}申请信用修复：{locked.statement}"
            )
            if reason:
                end_reason += f"；审核意见：{reason}"
            penalty_end_publication(locked.penalty, actor=actor, ended_on=today(), reason=end_reason)
    return locked
