"""The steps of a referral: send, acknowledge, respond, reroute, recognise, cancel."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from supervision.core import policy
from supervision.core.models import Department, Region

from ..models import (
    Referral,
    ReferralHop,
)
from ..querysets import RESPONSE_RULE, SEND_RULE
from .common import (
    LETTER_KIND,
    LETTER_KIND_SHORT,
    LETTER_TEMPLATE,
    S,
    _actor,
    _listeners,
    _lock,
    _move,
    has_remit,
    today,
)
from .create import letter_context, letter_title, referral_preview_html
from .notify import _notify_receiver, _notify_sender


def referral_send(referral: Referral, *, actor: Any, on: dt.date | None = None) -> Referral:
    """发出抄告函: number, PDF (subject: the referral), first hop, meet ``referral.send``, open
    ``referral.response`` for the receiver, tell the receiver's liaisons and inspectors."""
    from supervision.deadlines.services import deadline_meet, deadline_open
    from supervision.documents.services import document_allocate_number, document_store, render_document

    on = on or today()
    with transaction.atomic():
        r = _lock(referral)
        policy.require(actor, r, "send")
        if r.state == S.SENT:
            return r
        if r.state != S.DRAFT:
            _move(r, S.SENT, "send", actor, {})  # raises: the table refuses
        if on < r.found_on:
            raise ValidationError({"on": "发出日期不能早于发现日期。"})
        number = document_allocate_number(
            kind=LETTER_KIND,
            kind_short=LETTER_KIND_SHORT,
            department=r.from_department,
            region=r.from_region,
            year=on.year,
        )
        ctx = letter_context(r, number=number, on=on, contact=_actor(actor))
        html, pdf = render_document(LETTER_TEMPLATE, ctx)
        letter = document_store(
            kind=LETTER_KIND,
            title=ctx["title"][:200],
            pdf=pdf,
            source_html=html,
            department=r.from_department,
            region=r.from_region,
            number=number,
            subject=r,
            created_by=_actor(actor),
        )
        _move(
            r,
            S.SENT,
            "send",
            actor,
            {"number": number, "letter": letter, "sent_on": on, "sent_by": _actor(actor)},
            note=f"{number} 抄告{r.receiver_name}",
        )
        hop = ReferralHop.objects.create(
            referral=r,
            kind=ReferralHop.Kind.SEND,
            from_department=r.from_department,
            from_region=r.from_region,
            to_department=r.to_department,
            to_region=r.to_region,
            by=_actor(actor),
            on=on,
            reason=r.title,
        )
        deadline_meet(r, SEND_RULE, by=hop, at=on)
        deadline_open(
            r,
            RESPONSE_RULE,
            on,
            department=r.to_department,
            region=r.to_region,
            note=f"{number} {r.title}",
        )
        _notify_receiver(
            r,
            f"【抄告】{r.sender_name}：{r.title}",
            f"{r.sender_name}抄告（{number}）：{r.institution_name or r.subject_repr}，{r.title}。"
            "请及时接收并反馈办理结果。",
        )
    return r


def referral_acknowledge(referral: Referral, *, actor: Any, note: str = "") -> Referral:
    """接收: the receiving body confirms it holds the referral."""
    with transaction.atomic():
        r = _lock(referral)
        policy.require(actor, r, "acknowledge")
        if r.state == S.ACKNOWLEDGED:
            return r
        return _move(
            r,
            S.ACKNOWLEDGED,
            "acknowledge",
            actor,
            {"acknowledged_at": timezone.now(), "acknowledged_by": _actor(actor)},
            note=(note or "").strip(),
        )


def referral_respond(
    referral: Referral, *, actor: Any, action_taken: str, result: str, on: dt.date | None = None
) -> Referral:
    """反馈办理结果: what the receiver did and the result; meets ``referral.response``."""
    from supervision.deadlines.services import deadline_meet

    action_taken, result = (action_taken or "").strip(), (result or "").strip()
    errors = {}
    if not action_taken:
        errors["action_taken"] = "请填写采取的措施。"
    if not result:
        errors["result"] = "请填写处理结果。"
    if errors:
        raise ValidationError(errors)
    on = on or today()
    with transaction.atomic():
        r = _lock(referral)
        policy.require(actor, r, "respond")
        if r.state == S.RESPONDED:
            return r
        if r.sent_on and on < r.sent_on:
            raise ValidationError({"on": "反馈日期不能早于抄告发出日期。"})
        _move(
            r,
            S.RESPONDED,
            "respond",
            actor,
            {
                "action_taken": action_taken,
                "result": result,
                "responded_on": on,
                "responded_by": _actor(actor),
            },
            note=result,
        )
        deadline_meet(r, RESPONSE_RULE, by=r, at=on)
        _notify_sender(
            r,
            f"【抄告反馈】{r.receiver_name}：{r.title}",
            f"{r.receiver_name}已反馈抄告（{r.number}）的办理结果：{result}。请确认结果互认。",
        )
    return r


def referral_reroute(
    referral: Referral,
    *,
    actor: Any,
    to_department: Department,
    reason: str,
    to_region: Region | None = None,
    on: dt.date | None = None,
) -> Referral:
    """转办: the receiver hands the referral on to the department the remit matrix makes
    responsible; a hop is recorded and the response clock restarts for the new receiver."""
    from supervision.deadlines.services import deadline_meet, deadline_open

    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写转办理由。"})
    on = on or today()
    with transaction.atomic():
        r = _lock(referral)
        policy.require(actor, r, "reroute")
        new_region = to_region or r.to_region
        if r.to_department_id == to_department.pk and r.to_region_id == new_region.pk:
            return r  # already with that body
        if not has_remit(to_department, r.domain):
            raise ValidationError(
                {"to_department": f"根据职责清单，{to_department.name}不负责“{r.domain.name}”，不能转办。"}
            )
        if to_department.pk == r.from_department_id:
            raise ValidationError({"to_department": "不能转回抄告部门；如有异议请与抄告部门沟通。"})
        old = (r.to_department, r.to_region)
        _move(
            r,
            S.REROUTED,
            "reroute",
            actor,
            {
                "to_department": to_department,
                "to_region": new_region,
                "acknowledged_at": None,
                "acknowledged_by": None,
            },
            note=f"{old[1].name}{old[0].name} → {new_region.name}{to_department.name}：{reason}",
        )
        hop = ReferralHop.objects.create(
            referral=r,
            kind=ReferralHop.Kind.REROUTE,
            from_department=old[0],
            from_region=old[1],
            to_department=to_department,
            to_region=new_region,
            by=_actor(actor),
            on=on,
            reason=reason,
        )
        # The old receiver handled its part by passing it on; the new one gets a full period.
        deadline_meet(r, RESPONSE_RULE, by=hop, at=on)
        deadline_open(
            r,
            RESPONSE_RULE,
            on,
            department=to_department,
            region=new_region,
            note=f"{r.number} 转办：{r.title}",
        )
        _notify_receiver(
            r,
            f"【抄告转办】{old[1].name}{old[0].name}：{r.title}",
            f"{old[1].name}{old[0].name}将抄告（{r.number}）转办贵单位：{reason}",
        )
        _notify_sender(r, f"【抄告转办】{r.title}", f"抄告（{r.number}）已转办{r.receiver_name}：{reason}")
    return r


def referral_recognise(referral: Referral, *, actor: Any, note: str = "") -> Referral:
    """结果互认: the sender recognises the receiver's result; the referring app is told."""
    with transaction.atomic():
        r = _lock(referral)
        policy.require(actor, r, "recognise")
        if r.state == S.RECOGNISED:
            return r
        _move(
            r,
            S.RECOGNISED,
            "recognise",
            actor,
            {
                "recognised_at": timezone.now(),
                "recognised_by": _actor(actor),
                "recognition_note": (note or "").strip(),
            },
            note=(note or "").strip(),
        )
        if _listeners:
            subject = r.subject
            for fn, model in list(_listeners):
                if model is None or isinstance(subject, model):
                    fn(r, subject)
    return r


def referral_cancel(referral: Referral, *, actor: Any, note: str = "") -> Referral:
    """撤回抄告: the sending body withdraws a referral made in error before the receiver has
    taken it up (draft, sent or rerouted, not yet acknowledged). Its clocks are closed by the
    system — the withdrawal, under the sender's rule, is the authority — and a receiver that
    was sent the letter is told."""
    from supervision.deadlines.services import deadline_waive, open_deadlines_for

    note = (note or "").strip()
    with transaction.atomic():
        r = _lock(referral)
        policy.require(actor, r, "cancel")
        if r.state == S.CANCELLED:
            return r
        was_sent = r.state != S.DRAFT
        _move(r, S.CANCELLED, "cancel", actor, {}, note=note)
        for clock in open_deadlines_for(r):
            deadline_waive(clock, reason=f"抄告已撤回{('：' + note) if note else ''}", actor=policy.SYSTEM)
        if was_sent:
            _notify_receiver(
                r,
                f"【抄告撤回】{r.sender_name}：{r.title}",
                f"{r.sender_name}已撤回抄告（{r.number}）{('：' + note) if note else '。'}无需再办理。",
            )
    return r


STEP_SERVICES: dict[str, Callable[..., Referral]] = {
    "send": referral_send,
    "acknowledge": referral_acknowledge,
    "respond": referral_respond,
    "reroute": referral_reroute,
    "recognise": referral_recognise,
    "cancel": referral_cancel,
}


def _register_word_draft() -> None:
    from supervision.documents.drafts import register_draft

    register_draft(
        "referral_letter",
        Referral,
        build=referral_preview_html,
        action="send",
        is_draft=lambda r: r.state == S.DRAFT,
        filename=letter_title,
    )


_register_word_draft()
