"""The listing procedure of 民发〔2019〕103号: one service per step."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from typing import Any

from auditlog.context import disable_auditlog
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from institutions.models import (
    Institution,
)
from supervision.core.audit import audit
from supervision.core.models import Assignment, Remit, Role
from supervision.core.scoping import ensure_visible

from ..documents import allocate_decision_number, render_decision_pdf
from ..models import (
    GROUNDS,
    IN_FORCE_STATES,
    TRANSITIONS,
    CreditGrade,
    CreditRecord,
    ListingPolicy,
    ListingProposal,
    ListType,
    ProposalEvent,
    RecordKind,
    RemovalReason,
)
from .common import STEP_LABELS, P, add_years, rules_table, today
from .enforcement import _lift_restrictions, _record_restrictions
from .grading import grade_recompute, listings_in_force
from .ledger import _domain

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


def _covering(user: Any, proposal_region: Any) -> list[Assignment]:
    return [a for a in user.active_assignments() if proposal_region.code.startswith(a.region.prefix)]


def _may_propose(user: Any, inst: Institution, ground: str) -> Assignment:
    """谁监管、谁列入: the proposer's department must cover the ground's domain and the
    institution must lie in the proposer's jurisdiction."""
    spec = GROUNDS[ground]
    covering = _covering(user, inst.region)
    if not covering:
        raise PermissionDenied(f"{inst.name}不在您的管辖区域内，不能提出列入（谁监管、谁列入）。")
    for a in covering:
        if a.department.is_lead:
            return a
    for a in covering:
        if spec.domain and Remit.objects.filter(department=a.department, domain__code=spec.domain).exists():
            return a
    names = "、".join(sorted({a.department.name for a in covering}))
    raise PermissionDenied(
        f"列入事由“{spec.label}”不属于{names}的监管职责，应由负责该领域的部门提出（谁监管、谁列入）。"
    )


def _check_department(user: Any, proposal: ListingProposal) -> None:
    """Procedure steps are taken by the proposing department within its jurisdiction."""
    ensure_visible(user, proposal)
    if user.is_superuser:
        return
    if not any(a.department_id == proposal.department_id for a in _covering(user, proposal.region)):
        raise PermissionDenied(f"该程序由{proposal.department.name}办理，您所在部门不能办理此步骤。")


def _check_leader(user: Any, proposal: ListingProposal) -> Assignment:
    """Decisions are taken by a leader of the proposing department with jurisdiction."""
    ensure_visible(user, proposal)
    for a in _covering(user, proposal.region):
        if a.department_id == proposal.department_id and a.role == Role.LEADER:
            return a
    raise PermissionDenied(
        f"作出决定须由{proposal.department.name}负责人（领导岗位）办理，您没有作出该决定的权限。"
    )


def _not_before(on: dt.date, earlier: dt.date | None, what: str) -> None:
    """A step is dated on or after the step before it (the dates are entered by staff)."""
    if earlier is not None and on < earlier:
        raise ValidationError(
            f"办理日期 {on:%Y-%m-%d} 早于{what}日期 {earlier:%Y-%m-%d}，请核对日期。", code="date_order"
        )


def _lock(proposal: ListingProposal) -> ListingProposal:
    return (
        ListingProposal.objects.select_for_update()
        .select_related("institution", "region", "department")
        .get(pk=proposal.pk)
    )


def _move(
    p: ListingProposal, to: str, step: str, actor: Any, fields: dict[str, Any], note: str = ""
) -> ListingProposal:
    """Check the transition table, save the changed fields, audit once, log the event."""
    if step not in TRANSITIONS.get((p.state, to), ()):
        raise ValidationError(
            f"当前状态为“{p.get_state_display()}”，不能执行“{STEP_LABELS.get(step, step)}”。",
            code="bad_transition",
        )
    before = {k: getattr(p, k) for k in fields}
    before["state"] = p.state
    for k, v in fields.items():
        setattr(p, k, v)
    from_state = p.state
    p.state = to
    with disable_auditlog():
        p.save(update_fields=[*fields.keys(), "state"])
    audit(p, actor, step, {k: (before[k], getattr(p, k)) for k in before if before[k] != getattr(p, k)})
    ProposalEvent.objects.create(
        proposal=p,
        step=step,
        from_state=from_state,
        to_state=to,
        actor=actor if getattr(actor, "pk", None) else None,
        note=note,
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
    of the institution whose kind proves the ground."""
    if ground not in GROUNDS:
        raise ValidationError({"ground": "请选择列入事由。"})
    if list_type not in ListType.values:
        raise ValidationError({"list_type": "请选择名单类型。"})
    if not (facts or "").strip():
        raise ValidationError({"facts": "请填写失信事实。"})
    spec = GROUNDS[ground]
    ensure_visible(actor, institution)
    assignment = _may_propose(actor, institution, ground)
    evidence = list(evidence)
    wrong = [r for r in evidence if r.institution_id != institution.pk]
    if wrong:
        raise ValidationError({"evidence": "证据须为该机构的信用记录。"})
    kinds = {r.kind for r in evidence if r.withdrawn_at is None}
    if not kinds & set(spec.evidence_kinds):
        needed = "、".join(str(RecordKind(k).label) for k in spec.evidence_kinds)
        raise ValidationError(
            {"evidence": f"列入事由“{spec.label}”须引用以下类型的信用记录作为证据：{needed}。"}
        )
    person = None
    if list_type == ListType.INDUSTRY_BAN:
        if not person_name.strip() or not person_id_number.strip():
            raise ValidationError({"person_id_number": "行业禁入须填写当事人姓名和身份证号码。"})
        from institutions.services import person_for

        person = person_for(person_name, person_id_number)
    with transaction.atomic():
        p = ListingProposal(
            list_type=list_type,
            number=f"TMP-{timezone.now().timestamp()}-{actor.pk}",
            institution=institution,
            credit_code=institution.credit_code or "",
            region=institution.region,
            person=person,
            person_name=person.name if person else "",
            person_id_masked=person.id_masked if person else "",
            ground=ground,
            facts=facts.strip(),
            domain=_domain(spec.domain),
            department=assignment.department,
            proposed_by=actor,
        )
        with disable_auditlog():
            p.save()
            p.number = f"XY{timezone.localdate():%Y}{p.pk:06d}"
            p.save(update_fields=["number"])
        p.evidence.set(evidence)
        audit(p, actor, "create", {"state": (None, p.state), "ground": (None, ground)}, created=True)
        ProposalEvent.objects.create(
            proposal=p, step="create", to_state=p.state, actor=actor, note=p.facts[:500]
        )
    return p


def proposal_notify(proposal: ListingProposal, *, actor: Any, on: dt.date | None = None) -> ListingProposal:
    """告知: tell the party of the intended listing; the objection period runs from the day
    after, counted in working days by the calendar service."""
    from supervision.workcal.services import add_workdays_ex

    on = on or today()
    with transaction.atomic():
        p = _lock(proposal)
        if p.state == P.NOTIFIED:
            return p
        _check_department(actor, p)
        days = policy_for(p.region).objection_workdays
        due = add_workdays_ex(on, days)
        return _move(
            p,
            P.NOTIFIED,
            "notify",
            actor,
            {
                "notified_on": on,
                "objection_workdays": days,
                "objection_due": due.due,
                "objection_due_provisional": due.provisional,
            },
            note=f"陈述申辩截止 {due.due:%Y-%m-%d}",
        )


def objection_dues_recompute(year: int) -> int:
    """Calendar listener (``register_schedule_listener``): once ``year``'s holiday schedule is
    published, recount the provisional objection deadlines of running notices with the length
    they were opened with. Each change is audited and logged on the procedure. Returns the
    number of proposals whose deadline changed."""
    from supervision.workcal.services import add_workdays_ex

    changed = 0
    rows = ListingProposal.objects.select_for_update().filter(
        state=P.NOTIFIED, objection_due_provisional=True, objection_due__year__gte=year
    )
    for p in rows.defer("decision_pdf"):
        days = p.objection_workdays or policy_for(p.region).objection_workdays
        assert p.notified_on is not None
        due = add_workdays_ex(p.notified_on, days)
        if (due.due, due.provisional) == (p.objection_due, p.objection_due_provisional):
            continue
        before = {"objection_due": p.objection_due, "objection_due_provisional": p.objection_due_provisional}
        p.objection_due, p.objection_due_provisional = due.due, due.provisional
        with disable_auditlog():
            p.save(update_fields=["objection_due", "objection_due_provisional"])
        audit(p, None, "recount", {k: (v, getattr(p, k)) for k, v in before.items()})
        ProposalEvent.objects.create(
            proposal=p,
            step="recount",
            from_state=p.state,
            to_state=p.state,
            note=f"{year} 年放假安排公布后，陈述申辩截止日由 {before['objection_due']:%Y-%m-%d} "
            f"调整为 {p.objection_due:%Y-%m-%d}",
        )
        changed += 1
    return changed


def proposal_object(
    proposal: ListingProposal, *, actor: Any, text: str, on: dt.date | None = None
) -> ListingProposal:
    """陈述申辩/异议 received from the party within the period."""
    on = on or today()
    if not (text or "").strip():
        raise ValidationError({"text": "请填写陈述申辩内容。"})
    with transaction.atomic():
        p = _lock(proposal)
        if p.state == P.OBJECTED:
            return p
        _check_department(actor, p)
        _not_before(on, p.notified_on, "告知")
        if p.objection_due and on > p.objection_due:
            raise ValidationError(
                f"陈述申辩期已于 {p.objection_due:%Y-%m-%d} 届满，不能再登记陈述申辩。", code="objection_late"
            )
        return _move(p, P.OBJECTED, "object", actor, {"objection_on": on, "objection_text": text.strip()})


def proposal_elapse(
    proposal: ListingProposal, *, on: dt.date | None = None, actor: Any = None
) -> ListingProposal:
    """The objection period ran out without an objection (the daily sweep calls this)."""
    on = on or today()
    with transaction.atomic():
        p = _lock(proposal)
        if p.state == P.ELAPSED:
            return p
        if p.state == P.NOTIFIED and p.objection_due and on <= p.objection_due:
            raise ValidationError(
                f"陈述申辩期至 {p.objection_due:%Y-%m-%d} 届满，尚未到期。", code="not_elapsed"
            )
        return _move(
            p, P.ELAPSED, "elapse", actor, {}, note=f"截至 {p.objection_due:%Y-%m-%d} 未提出陈述申辩"
        )


def proposal_review(
    proposal: ListingProposal, *, actor: Any, opinion: str, recommend_listing: bool, on: dt.date | None = None
) -> ListingProposal:
    """审核 of the facts and of any objection. A proposal still in its objection period cannot
    be reviewed; one whose period has run out is marked elapsed first."""
    on = on or today()
    if not (opinion or "").strip():
        raise ValidationError({"opinion": "请填写审核意见。"})
    if proposal.state == P.NOTIFIED:
        proposal = proposal_elapse(proposal, on=on, actor=actor)
    with transaction.atomic():
        p = _lock(proposal)
        if p.state == P.REVIEWED:
            return p
        _check_department(actor, p)
        _not_before(on, p.objection_on or p.notified_on, "陈述申辩" if p.objection_on else "告知")
        return _move(
            p,
            P.REVIEWED,
            "review",
            actor,
            {
                "reviewed_on": on,
                "reviewed_by": actor,
                "review_opinion": opinion.strip(),
                "review_recommends_listing": bool(recommend_listing),
            },
        )


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
    """决定 by a leader of the responsible department: listed (with its term) or not listed.
    Renders the decision document (PDF, stored with its SHA-256) and, when listed, records the
    restrictions in the registry."""
    on = on or today()
    if not (opinion or "").strip():
        raise ValidationError({"opinion": "请填写决定意见。"})
    with transaction.atomic():
        p = _lock(proposal)
        if p.state in (P.LISTED, P.NOT_LISTED):
            return p
        leader = _check_leader(actor, p)
        _not_before(on, p.reviewed_on, "审核")
        if p.state != P.REVIEWED:
            _move(p, P.LISTED if list_it else P.NOT_LISTED, "decide", actor, {})  # raises
        fields: dict[str, Any] = {
            "decided_on": on,
            "decided_by": actor,
            "decision_opinion": opinion.strip(),
            "decision_number": allocate_decision_number(leader, on.year),
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
        for k, v in fields.items():
            setattr(p, k, v)
        pdf = render_decision_pdf(p, leader, list_it)
        fields["decision_pdf"] = pdf
        fields["decision_sha256"] = hashlib.sha256(pdf).hexdigest()
        _move(p, P.LISTED if list_it else P.NOT_LISTED, "decide", actor, fields, note=opinion.strip())
        if list_it:
            _record_restrictions(p, actor)
        grade_recompute(p.credit_code, on)
        return p


def proposal_publish(proposal: ListingProposal, *, actor: Any, on: dt.date | None = None) -> ListingProposal:
    """公示 on the public list (the entry shows until it is removed)."""
    on = on or today()
    with transaction.atomic():
        p = _lock(proposal)
        if p.state == P.PUBLISHED:
            return p
        _check_department(actor, p)
        _not_before(on, p.decided_on, "列入决定")
        return _move(p, P.PUBLISHED, "publish", actor, {"published_on": on})


def proposal_apply_removal(
    proposal: ListingProposal, *, actor: Any, proof: str, on: dt.date | None = None
) -> ListingProposal:
    """信用修复: the party applies for early removal after the minimum period (103号 art. 11:
    2 years, no new serious dishonesty, obligations fulfilled and rectified — the proof)."""
    on = on or today()
    if not (proof or "").strip():
        raise ValidationError({"proof": "请提供已履行义务、完成整改的证明材料说明。"})
    with transaction.atomic():
        p = _lock(proposal)
        if p.state == P.REMOVAL_APPLIED:
            return p
        _check_department(actor, p)
        _not_before(on, p.term_starts, "列入")
        if p.permanent:
            raise ValidationError("终身行业禁入不适用提前移出。", code="permanent")
        years = policy_for(p.region).early_removal_min_years
        earliest = add_years(p.term_starts, years) if p.term_starts else None
        if earliest is None or on < earliest:
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
        return _move(
            p,
            P.REMOVAL_APPLIED,
            "apply_removal",
            actor,
            {"removal_applied_on": on, "removal_proof": proof.strip()},
        )


def proposal_decide_removal(
    proposal: ListingProposal, *, actor: Any, approve: bool, opinion: str, on: dt.date | None = None
) -> ListingProposal:
    """Leader's decision on an early-removal application, after reviewing the proof."""
    on = on or today()
    if not (opinion or "").strip():
        raise ValidationError({"opinion": "请填写审核意见。"})
    with transaction.atomic():
        p = _lock(proposal)
        if p.state != P.REMOVAL_APPLIED:
            if p.state == P.REMOVED:
                return p
            _move(p, P.REMOVED, "decide_removal", actor, {})  # raises
        _check_leader(actor, p)
        _not_before(on, p.removal_applied_on, "提前移出申请")
        if approve:
            _move(
                p,
                P.REMOVED,
                "decide_removal",
                actor,
                {"removed_on": on, "removal_reason": RemovalReason.EARLY, "removal_opinion": opinion.strip()},
                note=opinion.strip(),
            )
            _lift_restrictions(p, actor, on, "信用修复提前移出")
        else:
            _move(
                p,
                P.PUBLISHED,
                "decide_removal",
                actor,
                {"removal_opinion": opinion.strip()},
                note=opinion.strip(),
            )
        grade_recompute(p.credit_code, on)
        return p


def proposal_expire(
    proposal: ListingProposal, *, on: dt.date | None = None, actor: Any = None
) -> ListingProposal:
    """Remove an entry whose term has ended (the daily sweep calls this)."""
    on = on or today()
    with transaction.atomic():
        p = _lock(proposal)
        if p.state == P.REMOVED:
            return p
        if p.permanent or p.term_ends is None or p.term_ends >= on:
            raise ValidationError("列入期限尚未届满。", code="not_expired")
        _move(
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
    if not (reason or "").strip():
        raise ValidationError({"reason": "请填写撤回原因。"})
    with transaction.atomic():
        p = _lock(proposal)
        if p.state == P.WITHDRAWN:
            return p
        _check_department(actor, p)
        return _move(p, P.WITHDRAWN, "withdraw", actor, {}, note=reason.strip())


def listings_sweep(on: dt.date | None = None) -> dict[str, int]:
    """Daily, idempotent: read new registry facts into the ledger (commitments, on-site
    verifications, grade ratings), mark elapsed objection periods, remove expired entries,
    refresh grades whose inputs expire or decay. Each row is claimed with ``skip_locked``."""
    from .registry import registry_facts_sync

    on = on or today()
    counts = {"elapsed": 0, "expired": 0, "regraded": 0}
    counts["registry_facts"] = registry_facts_sync(on)
    skip = _supports_skip_locked()
    with transaction.atomic():
        ids = list(
            ListingProposal.objects.select_for_update(skip_locked=skip)
            .filter(state=P.NOTIFIED, objection_due__lt=on)
            .values_list("pk", flat=True)
        )
    for pk in ids:
        proposal_elapse(ListingProposal(pk=pk), on=on)
        counts["elapsed"] += 1
    with transaction.atomic():
        ids = list(
            ListingProposal.objects.select_for_update(skip_locked=skip)
            .filter(state__in=IN_FORCE_STATES, permanent=False, term_ends__lt=on)
            .values_list("pk", flat=True)
        )
    for pk in ids:
        proposal_expire(ListingProposal(pk=pk), on=on)
        counts["expired"] += 1
    stale = CreditGrade.objects.filter(computed_for__lt=on).values_list("credit_code", flat=True)
    for code in list(stale):
        grade_recompute(code, on)
        counts["regraded"] += 1
    return counts


def _supports_skip_locked() -> bool:
    from django.db import connection

    return connection.features.has_select_for_update_skip_locked
