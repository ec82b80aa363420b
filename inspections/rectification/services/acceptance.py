"""一问题一整改，一整改一验收，一验收一签名: the institution's report on an item, the signed
acceptance or rejection on re-inspection, and the notice's closure once every item is accepted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from inspections.models import Inspection, InspectionKind, Inspector, Severity
from supervision.core import policy
from supervision.core.audit import create_audited, save_audited
from supervision.core.scoping import institution_pk_of
from supervision.core.transitions import transition
from supervision.deadlines import services as deadlines
from supervision.files import store as files

from ..models import (
    ITEM_RULE,
    ITEM_TRANSITIONS,
    NOTICE_TRANSITIONS,
    Acceptance,
    ItemResponse,
    ItemState,
    NoticeItem,
    NoticeReceipt,
    NoticeStatus,
    RectificationNotice,
    ResponseAttachment,
    Verdict,
    publication_end,
)
from .common import credit, today, visible


def _lock_item(item: NoticeItem) -> NoticeItem:
    return (
        NoticeItem.objects.select_for_update(of=("self",))
        .select_related(
            "notice__institution__region", "notice__issuing_department", "notice__issuing_region", "finding"
        )
        .get(pk=item.pk)
    )


def _ensure_issued(item: NoticeItem) -> None:
    """Items are handled only while their notice is in force (issued, not closed)."""
    if item.notice.status != NoticeStatus.ISSUED:
        raise ValidationError(f"整改通知书状态为“{item.notice.get_status_display()}”，不能办理。")


def _item_step(item: NoticeItem, target: str, step: str, actor: Any, **updates: Any) -> NoticeItem:
    """The item's state step through the one transition helper (the policy was asked on the
    locked row just before); keeps the joined rows already loaded on ``item``."""
    locked, _changed = transition(
        item, target, step=step, actor=actor, table=ITEM_TRANSITIONS, updates=updates or None
    )
    for name in ("state", *updates):
        setattr(item, name, getattr(locked, name))
    return item


def evidence_path(response: ItemResponse) -> Path:
    return files.path(response.evidence_path)


def item_respond(
    item: NoticeItem,
    *,
    actor: Any,
    action_taken: str,
    evidence_text: str = "",
    evidence_name: str = "",
    evidence_data: bytes | File | None = None,
    on: dt.date | None = None,
    attachments: Sequence[tuple[str, bytes | File]] = (),
) -> ItemResponse:
    """Record the institution's report on one item (what was done, evidence): filed by the
    institution's own account online, or recorded by staff from a paper report. The evidence file
    (an image or a PDF by its content; ``evidence_name`` is the uploader's name, kept for display)
    and any further ``attachments`` (name, data) go to the private file store: images lose their
    EXIF/GPS, the kept bytes' SHA-256 is recorded. The institution's account reports only once it
    has signed for the notice (送达回证), and always with evidence; its report is dated today."""
    visible(actor, item)
    online = institution_pk_of(actor) is not None
    with transaction.atomic():
        item = _lock_item(item)
        policy.require(actor, item, "respond")
        action_taken = (action_taken or "").strip()
        if not action_taken:
            raise ValidationError({"action_taken": "请填写整改措施及完成情况。"})
        _ensure_issued(item)
        if online:
            on = None  # the day it is filed, not a day the institution chooses
            if not NoticeReceipt.objects.filter(notice_id=item.notice_id).exists():
                raise ValidationError("请先签收整改通知书（送达回证），再报送整改情况。")
            if evidence_data is None and not attachments:
                raise ValidationError({"evidence_file": "请上传整改后的照片或证明文件。"})
        # A further report before acceptance keeps the state (no-op step); a refused step
        # (an accepted item) is refused before any file is stored.
        _item_step(item, ItemState.RESPONDED, "respond", actor)
        with files.receive(
            evidence_data,
            name=evidence_name,
            accept=files.EVIDENCE,
            area="rectification",
            actor=actor,
            field="evidence_file",
        ) as stored:
            response = ItemResponse(
                item=item,
                round=item.responses.count() + 1,
                action_taken=action_taken,
                evidence_text=(evidence_text or "").strip(),
                evidence_name=stored.original_name if stored else "",
                evidence_path=stored.name if stored else "",
                evidence_sha256=stored.sha256 if stored else "",
                responded_on=on or today(),
                recorded_by=policy.as_user(actor),
            )
            create_audited(response, actor, "respond")
        for name, data in attachments:
            _attach(response, name, data, actor)
    return response


def _attach(response: ItemResponse, name: str, data: bytes | File, actor: Any) -> ResponseAttachment:
    with files.receive(
        data, name=name, accept=files.EVIDENCE, area="rectification", actor=actor, field="evidence_file"
    ) as stored:
        assert stored is not None
        return create_audited(
            ResponseAttachment(
                response=response, name=stored.original_name, path=stored.name, sha256=stored.sha256
            ),
            actor,
            "upload",
        )


def _check_acceptor(item: NoticeItem, acceptor: Inspector | None, observed: str, on: dt.date | None) -> None:
    errors: dict[str, str] = {}
    if acceptor is None:
        errors["acceptor"] = "验收须由具名的执法检查人员签名（一验收一签名），请选择验收人。"
    elif not acceptor.is_drawable(on or today()):
        errors["acceptor"] = f"{acceptor.name}的执法证已失效或不在岗，不能验收。"
    elif acceptor.department_id != item.notice.issuing_department_id:
        errors["acceptor"] = f"验收人须为{item.notice.issuer_name}的执法检查人员。"
    if not (observed or "").strip():
        errors["observed"] = "请填写复查时现场核查的情况。"
    if on is None:
        errors["reinspected_on"] = "请填写复查日期。"
    elif on > today():
        errors["reinspected_on"] = "复查日期不能晚于今天。"
    if errors:
        raise ValidationError(errors)


def _check_reinspection(item: NoticeItem, reinspection: Inspection | None) -> None:
    if reinspection is None:
        return
    if (
        reinspection.institution_id != item.notice.institution_id
        or reinspection.kind != InspectionKind.REINSPECTION
    ):
        raise ValidationError({"reinspection": "关联的检查须为该机构的复查。"})


def _sign(
    item: NoticeItem,
    verdict: str,
    *,
    actor: Any,
    acceptor: Inspector,
    observed: str,
    reinspected_on: dt.date,
    reinspection: Inspection | None,
    new_due: dt.date | None = None,
) -> Acceptance:
    response = item.responses.filter(acceptance__isnull=True).order_by("-round").first()
    return create_audited(
        Acceptance(
            item=item,
            response=response,
            verdict=verdict,
            acceptor=acceptor,
            acceptor_name=acceptor.name,
            acceptor_certificate=acceptor.certificate_number,
            observed=observed.strip(),
            reinspection=reinspection,
            reinspected_on=reinspected_on,
            new_due=new_due,
            signed_by=policy.as_user(actor),
        ),
        actor,
        verdict,
    )


def item_accept(
    item: NoticeItem,
    *,
    actor: Any,
    acceptor: Inspector | None,
    observed: str,
    reinspected_on: dt.date | None = None,
    reinspection: Inspection | None = None,
) -> Acceptance:
    """验收通过, signed by a named inspector on a re-inspection: meets the item's clock; when
    every item is accepted the notice closes, its result is published and fed to credit."""
    visible(actor, item)
    if reinspection is not None and reinspected_on is None:
        reinspected_on = reinspection.inspected_on or reinspection.scheduled_on
    with transaction.atomic():
        item = _lock_item(item)
        policy.require(actor, item, "accept")
        if item.state == ItemState.ACCEPTED:
            return item.acceptances.filter(verdict=Verdict.ACCEPTED).latest("pk")
        _ensure_issued(item)
        _item_step(item, ItemState.ACCEPTED, "accept", actor, accepted_at=timezone.now())
        _check_acceptor(item, acceptor, observed, reinspected_on)
        _check_reinspection(item, reinspection)
        assert acceptor is not None and reinspected_on is not None
        signature = _sign(
            item,
            Verdict.ACCEPTED,
            actor=actor,
            acceptor=acceptor,
            observed=observed,
            reinspected_on=reinspected_on,
            reinspection=reinspection,
        )
        deadlines.deadline_meet(item, ITEM_RULE, by=signature)
        if item.finding_id is not None:
            from inspections.services import finding_mark_rectified

            finding_mark_rectified(item.finding, actor=actor, by=signature)
        _maybe_close(item.notice, actor)
    return signature


def item_reject(
    item: NoticeItem,
    *,
    actor: Any,
    acceptor: Inspector | None,
    observed: str,
    reinspected_on: dt.date | None = None,
    reinspection: Inspection | None = None,
    new_period_workdays: int | None = None,
) -> Acceptance:
    """验收不通过: the item stays open. Without a new period its clock keeps running (and may
    already be overdue); with one, the old clock is waived and a new one opens from the
    re-inspection date."""
    visible(actor, item)
    if reinspection is not None and reinspected_on is None:
        reinspected_on = reinspection.inspected_on or reinspection.scheduled_on
    with transaction.atomic():
        item = _lock_item(item)
        policy.require(actor, item, "reject")
        if new_period_workdays is not None and not 1 <= int(new_period_workdays) <= 250:
            raise ValidationError({"new_period_workdays": "重新限定的整改期限应为 1–250 个工作日。"})
        _ensure_issued(item)
        new_due = None
        if new_period_workdays and reinspected_on is not None:
            new_due = deadlines.compute_due(
                deadlines.rule_for(ITEM_RULE, region=item.notice.issuing_region).unit,
                reinspected_on,
                int(new_period_workdays),
            ).due
        before_due = item.due
        locked, changed = transition(
            item,
            ItemState.REJECTED,
            step="reject",
            actor=actor,
            table=ITEM_TRANSITIONS,
            updates={"due": new_due} if new_due is not None else None,
        )
        item.state, item.due = locked.state, locked.due
        if new_due is not None and not changed:
            # Already rejected (the step is a no-op): the new period is the change to record.
            item.due = new_due
            save_audited(item, actor, "reject", {"due": before_due})
        _check_acceptor(item, acceptor, observed, reinspected_on)
        _check_reinspection(item, reinspection)
        assert acceptor is not None and reinspected_on is not None
        signature = _sign(
            item,
            Verdict.REJECTED,
            actor=actor,
            acceptor=acceptor,
            observed=observed,
            reinspected_on=reinspected_on,
            reinspection=reinspection,
            new_due=new_due,
        )
        if new_due is not None:
            for d in deadlines.open_deadlines_for(item).filter(rule__code=ITEM_RULE):
                # The system closes the old clock: the notice's own procedure (a signed rejection
                # setting a new period) replaces it. That is not a waiver the inspector decides
                # (waiving a clock by hand is for the issuing department's leader: NoticeItem
                # "waive"), so the system acts here, not the actor.
                deadlines.deadline_waive(
                    d, reason=f"验收不通过，重新限期整改至 {new_due:%Y-%m-%d}", actor=policy.SYSTEM
                )
            deadlines.deadline_open(
                item,
                ITEM_RULE,
                reinspected_on,
                department=item.notice.issuing_department,
                region=item.notice.issuing_region,
                note=f"{item.notice.number} 第{item.seq}项（重新限期）",
                length=int(new_period_workdays),  # type: ignore[arg-type]
                due=new_due,
            )
    return signature


def _maybe_close(notice: RectificationNotice, actor: Any) -> None:
    """Close and publish the notice once every item is accepted; feed credit."""
    notice = (
        RectificationNotice.objects.select_for_update(of=("self",))
        .select_related("institution", "issuing_department")
        .get(pk=notice.pk)
    )
    if notice.status != NoticeStatus.ISSUED or notice.items.exclude(state=ItemState.ACCEPTED).exists():
        return
    published_on = today()
    notice, _changed = transition(
        notice,
        NoticeStatus.CLOSED,
        step="close",
        actor=actor,
        table=NOTICE_TRANSITIONS,
        field="status",
        updates={
            "closed_at": timezone.now(),
            "published_on": published_on,
            "published_until": publication_end(published_on, "rectification_result"),
        },
    )
    accepted_on = dict(
        Acceptance.objects.filter(item__notice=notice, verdict=Verdict.ACCEPTED)
        .order_by("item_id", "pk")
        .values_list("item_id", "reinspected_on")
    )
    for item in notice.items.select_related("finding__domain"):
        # 按期整改 is judged by the re-inspection that verified it, not by when staff typed it in.
        verified = accepted_on.get(item.pk)
        on_time = bool(item.due and verified and verified <= item.due)
        if item.finding.severity == Severity.MAJOR and on_time:
            credit(
                notice.institution,
                "major_hazard_rectified",
                title=f"重大隐患按期整改：{item.problem[:80]}",
                source=item,
                document=notice.number,
                domain=item.finding.domain,
                department=notice.issuing_department,
                entered_by=actor,
            )
