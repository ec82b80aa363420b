"""Every write of referrals, and the public API other apps call.

PUBLIC API (findings, complaints and fund risks all use it; no domain import here)::

    refer(subject, *, domain, from_department, from_region, user, title, description,
          institution_name="", credit_code="", evidence_summary="", to_department=None,
          to_region=None, found_on=None) -> Referral
        Record a referral (draft) of ``subject`` (any model instance) and open the
        ``referral.send`` clock (000 (十): 7 working days) from ``found_on`` (the day the
        out-of-remit problem was found; default today) for the sending department. The
        receiver defaults to the remit matrix's responsible department for ``domain`` at the
        county of ``from_region``. Idempotent: an open referral of the same subject, domain and
        sending department is returned unchanged.
    referrals_for(subject) -> QuerySet[Referral]
    register_result_listener(fn, model=None)
        ``fn(referral, subject)`` is called inside the recognising transaction when the sender
        recognises the receiver's result (结果互认), so the referring app can record it on its
        finding. With ``model``, only for subjects of that model.
    responsible_department_for(domain, exclude=None) -> Department | None

STEPS (one service each; atomic, the write policy first (``Referral.write_rules``: the sending
body drafts, sends, recognises and withdraws; the receiving body acknowledges, responds and
reroutes; liaisons only carry — draft, send, acknowledge), then the one transition helper:
``select_for_update``, no-op guard, ``TRANSITIONS`` check, one audit entry, one
``ReferralEvent``)::

    referral_create → referral_send → referral_acknowledge → referral_respond
    → referral_recognise;  referral_reroute (receiver: the matrix says another department);
    referral_cancel (sender: withdrawn before the receiver takes it up)

Sending allocates the number (阳民抄告〔2026〕3号), renders and stores the 抄告函 PDF with the
referral as its subject, meets ``referral.send`` and opens ``referral.response`` for the
receiver (configurable length, default 10 working days); re-routing meets the old receiver's
clock with the hop and opens a fresh one for the new receiver.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from auditlog.context import disable_auditlog
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone

from supervision.core import policy
from supervision.core.audit import audit
from supervision.core.models import Department, Domain, Region, RegionLevel, Remit, RemitRole, Role, User
from supervision.core.transitions import transition

from .models import (
    OPEN_STATES,
    TRANSITIONS,
    Referral,
    ReferralEvent,
    ReferralHop,
    ReferralState,
)
from .querysets import RESPONSE_RULE, SEND_RULE

S = ReferralState
LETTER_TEMPLATE = "documents/referral_letter.html"
LETTER_KIND = "referral"
LETTER_KIND_SHORT = "抄告"
# Who on the receiving side is told of a new referral.
RECEIVER_ROLES = (Role.LIAISON, Role.INSPECTOR)

ResultListener = Callable[[Referral, Any], None]
_listeners: list[tuple[ResultListener, type[models.Model] | None]] = []


def register_result_listener(fn: ResultListener, model: type[models.Model] | None = None) -> ResultListener:
    """Be told (inside the transaction) when a referral's result is recognised."""
    if (fn, model) not in _listeners:
        _listeners.append((fn, model))
    return fn


def today() -> dt.date:
    return timezone.localdate()


# --- the remit matrix ----------------------------------------------------------------------


ROLE_ORDER = {RemitRole.RESPONSIBLE: 0, RemitRole.LEAD: 1, RemitRole.SUPPORT: 2}


def responsible_department_for(
    domain: Domain, exclude: Department | None = None, *, include_support: bool = False
) -> Department | None:
    """The department the matrix makes answer for ``domain``: role "responsible" before "lead"
    (a lead department coordinates, the responsible one acts), ties by code; "support" only
    when asked. ``exclude`` drops the sender (a department never refers to itself)."""
    roles = [RemitRole.RESPONSIBLE, RemitRole.LEAD] + ([RemitRole.SUPPORT] if include_support else [])
    remits = Remit.objects.filter(domain=domain, role__in=roles).select_related("department")
    if exclude is not None:
        remits = remits.exclude(department=exclude)
    ranked = sorted(remits, key=lambda r: (ROLE_ORDER.get(r.role, 9), r.department.code))  # type: ignore[call-overload]
    return ranked[0].department if ranked else None


def has_remit(department: Department, domain: Domain) -> bool:
    return department.is_lead or Remit.objects.filter(department=department, domain=domain).exists()


def county_of(region: Region) -> Region:
    """The receiving body sits by default at the county (or above) of the sender's region."""
    node = region
    while node.level > RegionLevel.COUNTY and node.parent is not None:
        node = node.parent
    return node


# --- access and transitions -----------------------------------------------------------------


def can_act(user: Any, referral: Referral, step: str) -> bool:
    """Whether ``user`` may take ``step`` on ``referral`` (the policy's answer, for buttons; an
    unsaved ``Referral(from_department=…, from_region=…)`` asks whether the user may refer as
    that body)."""
    return policy.can(user, referral, step)


def _lock(referral: Referral) -> Referral:
    return (
        Referral.objects.select_for_update(of=("self",))
        .select_related("from_department", "from_region", "to_department", "to_region", "domain")
        .get(pk=referral.pk)
    )


def _move(r: Referral, to: str, step: str, actor: Any, fields: dict[str, Any], note: str = "") -> Referral:
    """One step through the transition helper: table check, changed fields saved, one audit
    entry, one ``ReferralEvent``. The caller has asked the policy on the locked row."""
    transition(
        r,
        to,
        step=step,
        actor=actor,
        table=TRANSITIONS,
        updates=fields,
        repeat=True,  # a re-routing from 已转办 to another body stays 已转办
        event=lambda obj, frm, new: ReferralEvent(
            referral=obj, step=step, from_state=frm, to_state=new, actor=_actor(actor), note=note
        ),
    )
    return r


def _actor(user: Any) -> User | None:
    return user if getattr(user, "pk", None) else None


# --- notifications -------------------------------------------------------------------------


def body_users(department: Department, region: Region, roles: tuple[str, ...]) -> QuerySet[User]:
    return User.objects.filter(
        is_active=True,
        assignments__active=True,
        assignments__department=department,
        assignments__region=region,
        assignments__role__in=roles,
    ).distinct()


def _notify_receiver(r: Referral, title: str, body: str) -> None:
    from supervision.deadlines.services import notify

    notify(
        body_users(r.to_department, r.to_region, RECEIVER_ROLES),
        title=title,
        body=body,
        url=r.get_absolute_url(),
    )


def _notify_sender(r: Referral, title: str, body: str) -> None:
    from supervision.deadlines.services import notify

    users = list(body_users(r.from_department, r.from_region, (Role.INSPECTOR, Role.LIAISON, Role.LEADER)))
    if r.created_by_id and all(u.pk != r.created_by_id for u in users):  # type: ignore[attr-defined]
        users.append(r.created_by)  # type: ignore[arg-type]
    notify(users, title=title, body=body, url=r.get_absolute_url())


# --- public API ----------------------------------------------------------------------------


def referrals_for(subject: models.Model) -> QuerySet[Referral]:
    """Every referral of ``subject`` (newest first); callers apply ``visible_to`` for display."""
    ct = ContentType.objects.get_for_model(subject, for_concrete_model=False)
    return Referral.objects.filter(content_type=ct, object_id=subject.pk).select_related(
        "from_department", "from_region", "to_department", "to_region", "domain"
    )


def refer(
    subject: models.Model,
    *,
    domain: Domain | str,
    from_department: Department,
    from_region: Region,
    user: Any,
    title: str,
    description: str,
    institution_name: str = "",
    credit_code: str = "",
    evidence_summary: str = "",
    to_department: Department | None = None,
    to_region: Region | None = None,
    found_on: dt.date | None = None,
) -> Referral:
    """Record a referral of ``subject`` for the other apps (see the module docstring)."""
    # Even the idempotent answer (an open referral already exists) is for the sending body only.
    policy.require(user, Referral(from_department=from_department, from_region=from_region), "create")
    if isinstance(domain, str):
        domain = Domain.objects.get(code=domain)
    existing = (
        referrals_for(subject)
        .filter(domain=domain, from_department=from_department, state__in=OPEN_STATES)
        .order_by("pk")
        .first()
    )
    if existing is not None:
        return existing
    return referral_create(
        subject,
        actor=user,
        domain=domain,
        from_department=from_department,
        from_region=from_region,
        title=title,
        description=description,
        institution_name=institution_name,
        credit_code=credit_code,
        evidence_summary=evidence_summary,
        to_department=to_department,
        to_region=to_region,
        found_on=found_on,
    )


# --- the steps -----------------------------------------------------------------------------


def referral_create(
    subject: models.Model,
    *,
    actor: Any,
    domain: Domain,
    from_department: Department,
    from_region: Region,
    title: str,
    description: str,
    institution_name: str = "",
    credit_code: str = "",
    evidence_summary: str = "",
    to_department: Department | None = None,
    to_region: Region | None = None,
    found_on: dt.date | None = None,
) -> Referral:
    """登记抄告 (draft) and open the sender's 7-working-day ``referral.send`` clock."""
    from supervision.deadlines.services import deadline_open

    with transaction.atomic():
        # The sending body drafts (its acting posts and its liaisons), judged before anything else.
        policy.require(actor, Referral(from_department=from_department, from_region=from_region), "create")
        title, description = (title or "").strip(), (description or "").strip()
        errors: dict[str, str] = {}
        if not title:
            errors["title"] = "请填写抄告事由。"
        if not description:
            errors["description"] = "请填写问题描述。"
        if errors:
            raise ValidationError(errors)
        found_on = found_on or today()
        if found_on > today():
            raise ValidationError({"found_on": "发现日期不能晚于今天。"})
        if to_department is None:
            to_department = responsible_department_for(domain, exclude=from_department)
            if to_department is None:
                raise ValidationError(
                    {"to_department": f"职责清单中没有负责“{domain.name}”的其他部门，请指定接收部门。"}
                )
        if to_department.pk == from_department.pk:
            raise ValidationError({"to_department": "问题属于本部门职责范围，无需抄告，请自行处理。"})
        to_region = to_region or county_of(from_region)
        r = Referral(
            content_type=ContentType.objects.get_for_model(subject, for_concrete_model=False),
            object_id=subject.pk,
            subject_repr=str(subject)[:200],
            title=title[:200],
            institution_name=institution_name[:200],
            credit_code=(credit_code or "").strip().upper()[:18],
            description=description,
            evidence_summary=(evidence_summary or "").strip(),
            domain=domain,
            found_on=found_on,
            from_department=from_department,
            from_region=from_region,
            created_by=_actor(actor),
            to_department=to_department,
            to_region=to_region,
        )
        with disable_auditlog():
            r.save()
        audit(
            r,
            _actor(actor),
            "create",
            {"state": (None, r.state), "to_department": (None, to_department.name)},
            created=True,
        )
        ReferralEvent.objects.create(
            referral=r, step="create", from_state="", to_state=r.state, actor=_actor(actor), note=title
        )
        deadline_open(
            r,
            SEND_RULE,
            found_on,
            department=from_department,
            region=from_region,
            note=f"抄告{r.receiver_name}：{title}",
        )
        return r


def letter_context(
    r: Referral, *, number: str = "", on: dt.date | None = None, contact: Any = None
) -> dict[str, Any]:
    """What the 抄告函 shows; the HTML preview and the PDF use the same template and context."""
    from supervision.deadlines.services import compute_due, rule_for

    on = on or r.sent_on or today()
    eff = rule_for(RESPONSE_RULE, region=r.to_region)
    try:
        due = compute_due(eff.unit, on, eff.amount).due
    except Exception:  # a calendar year not yet known: the letter states the period only
        due = None
    from supervision.core.department_titles import official_name
    from supervision.documents.services import issuer_context

    return {
        "r": r,
        "title": letter_title(r),
        "number": number or r.number,
        **issuer_context(r.from_department, r.from_region, user=contact or r.sent_by or r.created_by),
        "addressee": official_name(r.to_department, r.to_region),
        "on": on,
        "response_days": eff.amount,
        "response_unit": eff.rule.get_unit_display(),
        "response_due": due,
    }


def letter_title(r: Referral) -> str:
    """关于阳谷县中心敬老院消防安全问题的抄告函: the subject's name once, the matter without a
    trailing 抄告/抄告函 (the title already says what the letter is)."""
    import re

    subject = (r.institution_name or r.subject_repr or "").strip()
    matter = (r.title or "").strip()
    if subject:
        matter = matter.replace(subject, "")
    matter = re.sub(r"^(关于|对)", "", matter)
    matter = re.sub(r"(的)?(抄告函|抄告|函)$", "", matter).strip("，,、 ")
    if matter.endswith("的"):
        matter = matter[:-1]
    return f"关于{subject}{matter}的抄告函"


def referral_preview_html(r: Referral) -> str:
    from supervision.documents.services import render_html

    return render_html(LETTER_TEMPLATE, {**letter_context(r, number="（发出时编号）"), "preview": True})


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
