"""A listing proposal: create, notify, objection, elapse, review, decide, publish."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import logging
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from auditlog.context import disable_auditlog
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from institutions.models import (
    Institution,
)
from supervision.core import policy
from supervision.core.audit import audit
from supervision.deadlines.services import deadline_meet, deadline_open

from ...documents import allocate_decision_number, issue_notice, render_decision_pdf
from ...models import (
    GROUNDS,
    IN_FORCE_STATES,
    OBJECTION_RULE,
    AttachmentPurpose,
    CreditRecord,
    ListingProposal,
    ListType,
    ProposalEvent,
    RecordKind,
)
from ..common import P, add_years, today
from ..enforcement import _record_restrictions
from ..grading import grade_recompute, listings_in_force
from ..ledger import _domain
from ..party import Upload, attach, filing_day
from .common import (
    _county,
    _forget_clock,
    _issuer,
    _lock,
    _not_before,
    _proposing_department,
    _step,
    policy_for,
)

log = logging.getLogger(__name__)


def proposal_create(
    actor: Any,
    institution: Institution,
    *,
    list_type: str,
    ground: str,
    facts: str,
    evidence: Iterable[CreditRecord],
    person_name: str = "",
    person_id_number: str = "",
) -> ListingProposal:
    """Propose a listing (or an industry ban of a person) on a ground, citing evidence records
    of the institution whose kind proves the ground. The policy judges the unsaved proposal:
    the ground's domain, the institution's region (谁监管、谁列入)."""
    spec = GROUNDS.get(ground)
    with transaction.atomic():
        domain = _domain(spec.domain) if spec else None
        p = ListingProposal(
            list_type=list_type,
            institution=institution,
            credit_code=institution.credit_code or "",
            region=institution.region,
            ground=ground,
            domain=domain,
            department=_proposing_department(actor, institution.region, domain),
        )
        policy.require(actor, p, "propose")
        p.proposed_by = policy.as_user(actor)
        if spec is None:
            raise ValidationError({"ground": "请选择列入事由。"})
        if list_type not in ListType.values:
            raise ValidationError({"list_type": "请选择名单类型。"})
        if not (facts or "").strip():
            raise ValidationError({"facts": "请填写失信事实。"})
        if p.department_id is None:
            raise ValidationError("未配置牵头部门（民政），不能提出列入。")
        evidence = list(evidence)
        if any(r.institution_id != institution.pk for r in evidence):
            raise ValidationError({"evidence": "证据须为该机构的信用记录。"})
        kinds = {r.kind for r in evidence if r.withdrawn_at is None}
        if not kinds & set(spec.evidence_kinds):
            needed = "、".join(str(RecordKind(k).label) for k in spec.evidence_kinds)
            raise ValidationError(
                {"evidence": f"列入事由“{spec.label}”须引用以下类型的信用记录作为证据：{needed}。"}
            )
        if list_type == ListType.INDUSTRY_BAN:
            if not person_name.strip() or not person_id_number.strip():
                raise ValidationError({"person_id_number": "行业禁入须填写当事人姓名和身份证号码。"})
            from institutions.services import person_for

            person = person_for(person_name, person_id_number)
            p.person, p.person_name, p.person_id_masked = person, person.name, person.id_masked
        p.facts = facts.strip()
        p.number = f"TMP-{uuid.uuid4().hex}"
        with disable_auditlog():
            p.save()
            p.number = f"XY{timezone.localdate():%Y}{p.pk:06d}"
            p.save(update_fields=["number"])
        p.evidence.set(evidence)
        audit(
            p,
            policy.as_user(actor),
            "create",
            {"state": (None, p.state), "ground": (None, ground)},
            created=True,
        )
        ProposalEvent.objects.create(
            proposal=p, step="create", to_state=p.state, actor=policy.as_user(actor), note=p.facts[:500]
        )
    return p


def proposal_notify(proposal: ListingProposal, *, actor: Any, on: dt.date | None = None) -> ListingProposal:
    """告知: tell the party of the intended listing. The objection window opens as the
    ``credit.objection`` clock from ``on``, in working days by the calendar service, with the
    period the region's ``ListingPolicy`` sets (kept on the proposal as what the party was told)."""
    on = on or today()
    with transaction.atomic():
        p = _lock(proposal)
        policy.require(actor, p, "notify")
        if p.state == P.NOTIFIED:
            return p
        days = policy_for(p.region).objection_workdays
        if p.state == P.DRAFT:
            clock = deadline_open(
                p,
                OBJECTION_RULE,
                on,
                department=p.department,
                region=_county(p.region),
                length=days,
                note=p.number,
            )
            note = f"陈述申辩截止 {clock.due:%Y-%m-%d}"
            # The 告知书 states the date and the period: render a copy carrying them, and let
            # the transition below write the row.
            shown = copy.copy(p)
            shown.notified_on, shown.objection_workdays = on, days
            issue_notice(shown, _issuer(actor, p), on=on, days=days, due=clock.due, actor=actor)
        else:
            note = ""  # the transition refuses the step below
        _forget_clock(p)
        return _step(
            p, P.NOTIFIED, "notify", actor, {"notified_on": on, "objection_workdays": days}, note=note
        )


def proposal_object(
    proposal: ListingProposal,
    *,
    actor: Any,
    text: str,
    on: dt.date | None = None,
    attachments: Sequence[Upload] = (),
) -> ListingProposal:
    """陈述申辩/异议 received from the party while the window is open; meets the clock. Staff
    record a statement received on paper (dated when received); the institution's own account
    files it online, today, with its ``attachments`` (name, data: images or PDFs)."""
    on = filing_day(actor, on)
    with transaction.atomic():
        p = _lock(proposal)
        policy.require(actor, p, "object")
        if p.state == P.OBJECTED:
            return p
        if not (text or "").strip():
            raise ValidationError({"text": "请填写陈述申辩内容。"})
        _not_before(on, p.notified_on, "告知")
        if (p.state == P.NOTIFIED and p.objection_closed(on)) or (p.state == P.ELAPSED and p.objection_due):
            raise ValidationError(
                f"陈述申辩期已于 {p.objection_due:%Y-%m-%d} 届满，不能再提出陈述申辩。",
                code="objection_late",
            )
        _step(p, P.OBJECTED, "object", actor, {"objection_on": on, "objection_text": text.strip()})
        deadline_meet(p, OBJECTION_RULE, by=p, at=on)
        attach(p, AttachmentPurpose.OBJECTION, attachments, actor)
        return _forget_clock(p)


def proposal_elapse(proposal: ListingProposal, *, actor: Any, on: dt.date | None = None) -> ListingProposal:
    """The objection window closed without a statement: the procedure may proceed. Called by
    the clock's ``closed`` stage (``objection_window_closed``) and by the review, both as the
    system; whether the window has closed is the Deadline's decision."""
    on = on or today()
    with transaction.atomic():
        p = _lock(proposal)
        policy.require(actor, p, "elapse")
        if p.state == P.ELAPSED:
            return p
        due = p.objection_due
        if p.state == P.NOTIFIED and not p.objection_closed(on):
            raise ValidationError(
                f"陈述申辩期至 {due:%Y-%m-%d} 届满，尚未到期。" if due else "陈述申辩期尚未到期。",
                code="not_elapsed",
            )
        return _step(
            p, P.ELAPSED, "elapse", actor, {}, note=f"截至 {due:%Y-%m-%d} 未提出陈述申辩" if due else ""
        )


def objection_window_closed(deadline: Any, stage: str, now: dt.datetime) -> None:
    """Stage handler of the ``closed`` stage of ``credit.objection`` (the first working day
    after the window): the proposal is marked elapsed, so that the review may proceed. Runs in
    the engine's delivery; idempotent (a proposal no longer waiting for a statement is left
    alone) and never fails the delivery of the other reminders."""
    p = ListingProposal.objects.filter(pk=deadline.object_id, state=P.NOTIFIED).first()
    if p is None:
        return
    try:
        proposal_elapse(p, on=timezone.localtime(now).date(), actor=policy.SYSTEM)
    except ValidationError:
        log.exception("objection window of proposal %s not closed by stage %s", p.pk, stage)


def proposal_review(
    proposal: ListingProposal, *, actor: Any, opinion: str, recommend_listing: bool, on: dt.date | None = None
) -> ListingProposal:
    """审核 of the facts and of any statement; meets the objection clock. A proposal whose
    window is still open cannot be reviewed; one whose window has closed is marked elapsed
    first."""
    on = on or today()
    with transaction.atomic():
        p = _lock(proposal)
        policy.require(actor, p, "review")
        if p.state == P.REVIEWED:
            return p
        if not (opinion or "").strip():
            raise ValidationError({"opinion": "请填写审核意见。"})
        if p.state == P.NOTIFIED:
            # The close of the window is the clock's fact, not the reviewer's act: the system
            # records it (and refuses while the window is open).
            p = proposal_elapse(p, on=on, actor=policy.SYSTEM)
        _not_before(on, p.objection_on or p.notified_on, "陈述申辩" if p.objection_on else "告知")
        _step(
            p,
            P.REVIEWED,
            "review",
            actor,
            {
                "reviewed_on": on,
                "reviewed_by": policy.as_user(actor),
                "review_opinion": opinion.strip(),
                "review_recommends_listing": bool(recommend_listing),
            },
        )
        deadline_meet(p, OBJECTION_RULE, by=p, at=on)
        return _forget_clock(p)


def proposal_decide(
    proposal: ListingProposal,
    *,
    actor: Any,
    list_it: bool,
    opinion: str,
    on: dt.date | None = None,
    permanent: bool = False,
    term_years: int | None = None,
) -> ListingProposal:
    """决定 by a leader of the proposing department: listed (with its term) or not listed.
    Renders the decision document (PDF, stored with its SHA-256) and, when listed, records the
    restrictions in the registry."""
    on = on or today()
    target = P.LISTED if list_it else P.NOT_LISTED
    with transaction.atomic():
        p = _lock(proposal)
        policy.require(actor, p, "decide")
        if p.state in (P.LISTED, P.NOT_LISTED):
            return p
        if not (opinion or "").strip():
            raise ValidationError({"opinion": "请填写决定意见。"})
        if p.state != P.REVIEWED:
            _step(p, target, "decide", actor, {})  # refused: only a reviewed proposal is decided
        _not_before(on, p.reviewed_on, "审核")
        issuer = _issuer(actor, p)
        fields: dict[str, Any] = {
            "decided_on": on,
            "decided_by": policy.as_user(actor),
            "decision_opinion": opinion.strip(),
            "decision_number": allocate_decision_number(issuer[0], issuer[1], on.year),
        }
        if list_it:
            if permanent and p.list_type != ListType.INDUSTRY_BAN:
                raise ValidationError({"permanent": "只有行业禁入可以决定终身禁入。"})
            clash = listings_in_force([p.credit_code], on).filter(list_type=p.list_type).exclude(pk=p.pk)
            if p.list_type == ListType.INDUSTRY_BAN:
                clash = (
                    ListingProposal.objects.filter(
                        list_type=ListType.INDUSTRY_BAN, person=p.person, state__in=IN_FORCE_STATES
                    )
                    .exclude(pk=p.pk)
                    .filter(models.Q(permanent=True) | models.Q(term_ends__gte=on))
                )
            if clash.exists():
                raise ValidationError("当事人已在该名单中且尚在期限内，不能重复列入。", code="already_listed")
            years = term_years or policy_for(p.region).term_years(p.list_type)
            fields.update(
                term_starts=on,
                term_ends=None if permanent else add_years(on, years) - dt.timedelta(days=1),
                permanent=permanent,
            )
        # The document shows the decided fields: set them before rendering, save them with it.
        for k, v in fields.items():
            setattr(p, k, v)
        pdf = render_decision_pdf(p, issuer, list_it)
        fields["decision_sha256"] = hashlib.sha256(pdf).hexdigest()
        _step(p, target, "decide", actor, fields, note=opinion.strip())
        # The document itself is kept beside the audited fields (its SHA-256 is audited), never
        # copied into the audit log.
        ListingProposal.objects.filter(pk=p.pk).update(decision_pdf=pdf)
        p.decision_pdf = pdf
        if list_it:
            _record_restrictions(p, actor)
        grade_recompute(p.credit_code, on)
        return p


def proposal_publish(proposal: ListingProposal, *, actor: Any, on: dt.date | None = None) -> ListingProposal:
    """公示 on the public list (the entry shows until it is removed)."""
    on = on or today()
    with transaction.atomic():
        p = _lock(proposal)
        policy.require(actor, p, "publish")
        if p.state == P.PUBLISHED:
            return p
        _not_before(on, p.decided_on, "列入决定")
        return _step(p, P.PUBLISHED, "publish", actor, {"published_on": on})
