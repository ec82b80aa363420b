"""The listing procedure of 民发〔2019〕103号: one service per step.

Every step asks the write policy first, inside its transaction, on the locked row
(``ListingProposal.write_rules``), then moves the state through the one transition helper
(``supervision.core.transitions.transition``: table check, audited save, ``ProposalEvent``).
The objection window (陈述申辩期) is the deadline engine's ``credit.objection`` clock: opened
on notice, met by a statement or by the review, with staged reminders before it closes; its
``closed`` stage marks the proposal elapsed so that the procedure may proceed."""

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
from supervision.core.models import Department, Domain, Region, RegionLevel, Remit, RemitRole
from supervision.core.transitions import transition
from supervision.deadlines.services import deadline_meet, deadline_open, deadline_waive, open_deadlines_for

from ..documents import allocate_decision_number, issue_notice, render_decision_pdf
from ..models import (
    GROUNDS,
    IN_FORCE_STATES,
    OBJECTION_RULE,
    TRANSITIONS,
    AttachmentPurpose,
    CreditGrade,
    CreditRecord,
    ListingPolicy,
    ListingProposal,
    ListType,
    ProposalEvent,
    RecordKind,
    RemovalReason,
)
from .common import P, add_years, rules_table, today
from .enforcement import _lift_restrictions, _record_restrictions
from .grading import grade_recompute, listings_in_force
from .ledger import _domain
from .party import Upload, attach, filing_day

log = logging.getLogger(__name__)

# --- the listing procedure -------------------------------------------------------------------


def policy_for(region: Any) -> ListingPolicy:
    """The nearest policy at or above ``region``; the national default row; built-in defaults."""
    chain = [r.pk for r in region.ancestors()] if region is not None else []
    rows = {
        p.region_id: p
        for p in ListingPolicy.objects.filter(models.Q(region_id__in=chain) | models.Q(region=None))
    }
    for pk in chain:
        if pk in rows:
            return rows[pk]
    return rows.get(None) or ListingPolicy()


def _posts(actor: Any) -> list[Any]:
    return list(getattr(actor, "active_assignments", list)())


def _county(region: Region) -> Region:
    """The county (县级) at or above ``region``: where the listing department sits."""
    return next((r for r in region.ancestors() if r.level <= RegionLevel.COUNTY), region)


def _proposing_department(actor: Any, region: Region, domain: Domain | None) -> Department | None:
    """谁监管、谁列入: the department a proposal is made in — the actor's lead-department post
    over the place, else its post whose remit covers the ground's domain; the system and a
    superuser propose for the lead department (the registry keeper). Which department proposes
    is data; whether the actor may propose at all is the policy's (``propose``)."""
    covering = [
        a for a in _posts(actor) if a.role in policy.ACTING and region.code.startswith(a.region.prefix)
    ]
    for a in covering:
        if a.department.is_lead:
            return a.department
    if domain is not None:
        for a in covering:
            if Remit.objects.filter(
                department=a.department, domain=domain, role__in=[RemitRole.LEAD, RemitRole.RESPONSIBLE]
            ).exists():
                return a.department
    lead = Department.objects.filter(is_lead=True).order_by("code").first()
    return lead or (covering[0].department if covering else None)


def grounds_for(actor: Any, institution: Institution) -> list[str]:
    """The grounds ``actor`` may propose a listing of ``institution`` on (谁监管、谁列入): what
    the proposal page offers, and what its gate asks before the form is read."""
    allowed = []
    for ground, spec in GROUNDS.items():
        candidate = ListingProposal(
            institution=institution, region=institution.region, domain=_domain(spec.domain)
        )
        if policy.can(actor, candidate, "propose"):
            allowed.append(ground)
    return allowed


def _issuer(actor: Any, p: ListingProposal) -> tuple[Department, Region]:
    """The body a decision is issued (and numbered) under: the deciding leader's post of the
    proposing department over the institution; for the system or a superuser, the proposing
    department at the institution's county."""
    for a in _posts(actor):
        if (
            a.role in policy.LEADERS
            and a.department_id == p.department_id
            and p.region.code.startswith(a.region.prefix)
        ):
            return a.department, a.region
    return p.department, _county(p.region)


def _not_before(on: dt.date, earlier: dt.date | None, what: str) -> None:
    """A step is dated on or after the step before it (the dates are entered by staff)."""
    if earlier is not None and on < earlier:
        raise ValidationError(
            f"办理日期 {on:%Y-%m-%d} 早于{what}日期 {earlier:%Y-%m-%d}，请核对日期。", code="date_order"
        )


def _lock(proposal: ListingProposal) -> ListingProposal:
    return (
        ListingProposal.objects.select_for_update(of=("self",))
        .select_related("institution", "region", "department")
        .get(pk=proposal.pk)
    )


def _forget_clock(p: ListingProposal) -> ListingProposal:
    """Drop the instance's cached objection clock once the service has moved it."""
    for key in ("_objection_clock", "_objection_due", "_objection_due_provisional"):
        p.__dict__.pop(key, None)
    return p


def _step(
    p: ListingProposal, to: str, step: str, actor: Any, fields: dict[str, Any], note: str = ""
) -> ListingProposal:
    """Move ``p`` (locked, the policy already asked) through the one transition helper: the
    table's check, the audited save of the changed fields, one ``ProposalEvent``."""
    transition(
        p,
        to,
        step=step,
        actor=actor,
        table=TRANSITIONS,
        updates=fields,
        event=lambda obj, frm, target: ProposalEvent(
            proposal=obj, step=step, from_state=frm, to_state=target, actor=policy.as_user(actor), note=note
        ),
    )
    return p


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


def listings_sweep(on: dt.date | None = None) -> dict[str, int]:
    """Daily, idempotent: read new registry facts into the ledger (commitments, on-site
    verifications, grade ratings), remove entries whose term has ended, refresh grades whose
    inputs expire or decay. (The close of objection windows is the deadline engine's: the
    ``closed`` stage of ``credit.objection``.)

    The claim holds while the work is done: the entries to remove are locked with
    ``select_for_update(skip_locked=True)`` and removed in that same transaction, so a second
    sweep running at the same time skips them (and finds them removed once this one commits),
    and a row another transaction holds (a leader deciding its early removal) is left to the
    next sweep rather than waited for. A claim committed before the work would claim nothing."""
    from .registry import registry_facts_sync

    on = on or today()
    counts = {"expired": 0, "regraded": 0}
    counts["registry_facts"] = registry_facts_sync(on)
    with transaction.atomic():
        claimed = list(
            ListingProposal.objects.select_for_update(skip_locked=_supports_skip_locked(), of=("self",))
            .filter(state__in=IN_FORCE_STATES, permanent=False, term_ends__lt=on)
            .defer("decision_pdf")
            .order_by("pk")
        )
        for p in claimed:
            try:
                proposal_expire(p, on=on, actor=policy.SYSTEM)
            except ValidationError:  # the savepoint of that row is rolled back; the others go on
                log.exception("listing %s not expired", p.pk)
                continue
            counts["expired"] += 1
    stale = CreditGrade.objects.filter(computed_for__lt=on).values_list("credit_code", flat=True)
    for code in list(stale):
        grade_recompute(code, on)
        counts["regraded"] += 1
    return counts


def _supports_skip_locked() -> bool:
    from django.db import connection

    return connection.features.has_select_for_update_skip_locked
