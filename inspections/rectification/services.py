"""Every write of rectification: one function per state change, each in one transaction,
re-reading the row with ``select_for_update``, returning at once when already in the target
state, refusing what the transition tables do not allow (in Chinese) and writing one audit
entry.

    notice_create → notice_issue → item_respond → item_accept | item_reject → (notice closes)
    rectification_escalate_overdue (daily) → suspension_approve
    listing_open → listing_progress_add → listing_close
    penalty_record → penalty_set_appeal

Clocks: issuing opens one ``rectification.item`` deadline per item (its own length);
accepting meets it; a rejection with a new period waives the old clock and opens a new one.
Credit: a penalty, a 重大 hazard rectified on time and a 重大 hazard left overdue are fed to
the ledger with ``credit.services.record_fact``."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from inspections.models import Finding, FindingStatus, Inspection, InspectionKind, Inspector, Severity
from inspections.services import department_covers
from institutions.models import Institution
from supervision.core.audit import audit, create_audited, save_audited
from supervision.core.models import ACTING_ROLES, Assignment, Department, Region, Role, User
from supervision.core.scoping import ensure_visible
from supervision.deadlines import services as deadlines
from supervision.documents import services as documents
from supervision.workcal import services as workcal

from .models import (
    ITEM_RULE,
    ITEM_TRANSITIONS,
    NOTICE_KIND,
    NOTICE_KIND_SHORT,
    NOTICE_TRANSITIONS,
    OPEN_ITEM_STATES,
    SUSPENSION_KIND,
    SUSPENSION_KIND_SHORT,
    Acceptance,
    AppealStatus,
    ItemResponse,
    ItemState,
    ListedSupervision,
    ListingProgress,
    ListingStatus,
    NoticeItem,
    NoticeStatus,
    OrderStatus,
    Penalty,
    PenaltyKind,
    RectificationNotice,
    SuspensionOrder,
    Verdict,
    earliest_early_end,
    publication_end,
)

log = logging.getLogger(__name__)

NOTICE_TEMPLATE = "documents/rectification_notice.html"
SUSPENSION_TEMPLATE = "documents/suspension_order.html"
EVIDENCE_EXTENSIONS = {".pdf", ".jpg", ".jpeg", ".png"}
MAX_EVIDENCE_BYTES = 15 * 1024 * 1024


# --- helpers ---------------------------------------------------------------------------------


def today() -> dt.date:
    return timezone.localdate()


_create = create_audited
_save = save_audited


def _visible(actor: Any, obj: models.Model) -> None:
    if actor is not None and getattr(actor, "is_authenticated", False):
        ensure_visible(actor, obj)


def county_of(region: Region) -> Region:
    node = region
    while node.level > 3 and node.parent is not None:
        node = node.parent
    return node


def issuing_post(user: Any, institution: Institution) -> Assignment | None:
    """The user's post that may issue to ``institution``: an inspector/leader/admin assignment
    whose jurisdiction contains the institution (the lead department first)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    posts = sorted(user.active_assignments(), key=lambda a: (not a.department.is_lead, a.pk))
    for a in posts:
        if a.role in ACTING_ROLES and institution.region.code.startswith(a.region.prefix):
            return a
    return None


def ensure_handler(actor: Any, department: Department, region: Region, body: str) -> None:
    """Seeing is not handling: a write on a notice, listing or penalty is for the staff
    (inspector, leader, admin) of the department that owns it, posted over ``region``.
    Auditors only read; the lead department coordinates a partner's notice but does not record
    its responses or acceptances. ``actor=None`` is a system call (a task, another service)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return
    if actor.acts_over(region, department=department):
        return
    raise PermissionDenied(f"此事项由{body}的监管执法人员办理，您只能查看。")


def _ensure_notice_handler(actor: Any, notice: RectificationNotice) -> None:
    ensure_handler(actor, notice.issuing_department, notice.institution.region, notice.issuer_name)


def _credit(institution: Institution, kind: str, **kwargs: Any) -> None:
    """Feed a fact to the credit ledger; an institution without a credit code (未登记) has no
    ledger key, so the fact is skipped and logged."""
    from credit.services import record_fact

    if not institution.credit_code:
        log.info("credit fact %s skipped: %s has no credit code", kind, institution.pk)
        return
    record_fact(institution.credit_code, kind, **kwargs)


def leaders_of(department: Department, region: Region) -> models.QuerySet[User]:
    return User.objects.filter(
        is_active=True,
        assignments__active=True,
        assignments__department=department,
        assignments__role=Role.LEADER,
        assignments__region__code__in=deadlines.ancestor_codes(region),
    ).distinct()


# --- due dates -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemSpec:
    """What the issuer writes for one problem of a notice."""

    finding: Finding
    legal_basis: str
    requirement: str
    period_workdays: int | None = None
    due_date: dt.date | None = None


def clock_length(unit: str, start: dt.date, due_date: dt.date) -> int:
    """The clock length that ends on ``due_date`` (a date written in the notice); a date that
    is not a working day extends to the next working day (期间届满日为法定休假日的顺延)."""
    if unit == "working_days":
        end = due_date if workcal.is_workday(due_date) else workcal.add_workdays(due_date, 1)
        return workcal.workdays_between(start, end)
    return (due_date - start).days


def item_due_ex(item: NoticeItem, start: dt.date, region: Region) -> tuple[dt.date, int, bool]:
    """(due date, clock length, provisional) of an item issued on ``start``, by the calendar
    service; provisional when the count ran through a year whose holidays are not published."""
    eff = deadlines.rule_for(ITEM_RULE, region=region)
    if item.due_date_set is not None:
        length = clock_length(eff.unit, start, item.due_date_set)
    else:
        length = int(item.period_workdays or eff.amount)
    due = deadlines.compute_due(eff.unit, start, length)
    return due.due, length, due.provisional


def item_due(item: NoticeItem, start: dt.date, region: Region) -> tuple[dt.date, int]:
    """(due date, clock length) of an item issued on ``start``, by the calendar service."""
    due, length, _provisional = item_due_ex(item, start, region)
    return due, length


# --- notices ---------------------------------------------------------------------------------


def _check_spec(spec: ItemSpec, institution: Institution, n: int, on: dt.date) -> dict[str, str]:
    errors: dict[str, str] = {}
    prefix = f"第{n}项："
    if spec.finding.institution_id != institution.pk:
        errors["findings"] = f"{prefix}问题不属于{institution.name}。"
    elif spec.finding.status != FindingStatus.OPEN:
        errors["findings"] = f"{prefix}问题已整改或销号，不能再下达整改通知。"
    if not (spec.legal_basis or "").strip():
        errors["legal_basis"] = f"{prefix}请填写法律依据。"
    if not (spec.requirement or "").strip():
        errors["requirement"] = f"{prefix}请填写整改要求。"
    if (spec.period_workdays is None) == (spec.due_date is None):
        errors["period"] = f"{prefix}整改期限请填写工作日数或截止日期（二选一）。"
    elif spec.period_workdays is not None and not 1 <= spec.period_workdays <= 250:
        errors["period"] = f"{prefix}整改期限应为 1–250 个工作日。"
    elif spec.due_date is not None and spec.due_date <= on:
        errors["period"] = f"{prefix}整改截止日期须晚于下达日期（{on:%Y年%-m月%-d日}）。"
    return errors


def notice_create(
    institution: Institution,
    specs: Iterable[ItemSpec],
    *,
    actor: Any,
    reconsideration_body: str = "",
    court: str = "",
    consequence: str = "",
    on: dt.date | None = None,
) -> RectificationNotice:
    """Draft a notice from one or more open findings of one institution (preview before
    issuing). The issuing body is the actor's post covering the institution. ``on`` is the
    intended issue date (default today) against which written due dates are checked; issuing
    checks them again against the actual issue date."""
    specs = list(specs)
    on = on or today()
    _visible(actor, institution)
    post = issuing_post(actor, institution)
    if post is None:
        raise PermissionDenied("您在该机构所在辖区没有监管执法岗位，不能下达整改通知。")
    if not specs:
        raise ValidationError({"findings": "请至少选择一个问题。"})
    errors: dict[str, str] = {}
    seen: set[int] = set()
    for n, spec in enumerate(specs, 1):
        _visible(actor, spec.finding)
        if spec.finding.pk in seen:
            errors["findings"] = "同一问题不能重复列入。"
        seen.add(spec.finding.pk)
        for k, v in _check_spec(spec, institution, n, on).items():
            errors.setdefault(k, v)
    busy = NoticeItem.objects.filter(
        finding__in=[s.finding for s in specs], state__in=OPEN_ITEM_STATES, notice__status=NoticeStatus.ISSUED
    ).select_related("notice")
    for item in busy:
        errors.setdefault("findings", f"问题“{item.problem[:20]}”已在整改通知 {item.notice.number} 中整改。")
    if errors:
        raise ValidationError(errors)
    region = county_of(post.region)
    with transaction.atomic():
        notice = RectificationNotice(
            institution=institution,
            issuing_department=post.department,
            issuing_region=region,
            reconsideration_body=reconsideration_body.strip() or f"{region.name}人民政府",
            court=court.strip() or f"{region.name}人民法院",
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        if consequence.strip():
            notice.consequence = consequence.strip()
        _create(notice, actor, "draft")
        for n, spec in enumerate(specs, 1):
            NoticeItem.objects.create(
                notice=notice,
                finding=spec.finding,
                seq=n,
                problem=spec.finding.description,
                legal_basis=spec.legal_basis.strip(),
                requirement=spec.requirement.strip(),
                period_workdays=spec.period_workdays,
                due_date_set=spec.due_date,
            )
    return notice


def notice_discard(notice: RectificationNotice, *, actor: Any) -> None:
    """Delete a draft (nothing was numbered or sent)."""
    _visible(actor, notice)
    with transaction.atomic():
        notice = (
            RectificationNotice.objects.select_for_update(of=("self",))
            .select_related("institution__region", "issuing_department", "issuing_region")
            .get(pk=notice.pk)
        )
        _ensure_notice_handler(actor, notice)
        if notice.status != NoticeStatus.DRAFT:
            raise ValidationError("已下达的整改通知书不能删除。")
        audit(notice, actor, "discard", {"status": (notice.status, "deleted")})
        notice.delete()


def notice_context(
    notice: RectificationNotice, *, on: dt.date | None = None, preview: bool = False
) -> dict[str, Any]:
    """What the notice shows; the HTML preview and the PDF use the same template and context."""
    on = on or notice.issued_on or today()
    items = list(notice.items.select_related("finding__domain").order_by("seq"))
    for item in items:
        if item.due_date_set is not None and item.due_date_set <= on:
            item.due = item.due_date_set  # a stale draft: issuing refuses it, the preview shows it
        elif item.due is None or preview:
            item.due, _length, provisional = item_due_ex(item, on, notice.issuing_region)
            # Only the preview warns: the issuer may prefer to write a date (the printed date is
            # what binds the institution; see the design notes on provisional years).
            item.due_provisional = preview and provisional  # type: ignore[attr-defined]
    return {
        "title": "责令限期整改通知书",
        "notice": notice,
        "institution": notice.institution,
        "items": items,
        "issuer": notice.issuer_name,
        "number": notice.number or "（下达时编号）",
        "on": on,
        "preview": preview,
        "any_provisional": any(getattr(i, "due_provisional", False) for i in items),
    }


def notice_preview_html(notice: RectificationNotice) -> str:
    return documents.render_html(
        NOTICE_TEMPLATE, notice_context(notice, preview=notice.status == NoticeStatus.DRAFT)
    )


def notice_preview_pdf(notice: RectificationNotice) -> bytes:
    return documents.html_to_pdf(notice_preview_html(notice))


def _notice_transition(notice: RectificationNotice, target: str) -> None:
    if (notice.status, target) not in NOTICE_TRANSITIONS:
        raise ValidationError(f"整改通知书状态为“{notice.get_status_display()}”，不能执行此操作。")


def notice_issue(
    notice: RectificationNotice, *, actor: Any, on: dt.date | None = None
) -> RectificationNotice:
    """下达: allocate the number, compute each item's due date, render the A4 PDF, store it
    immutably (subject = the notice) and open one ``rectification.item`` clock per item — all
    in one transaction, so a failed render leaves no gap in the numbering."""
    _visible(actor, notice)
    on = on or today()
    with transaction.atomic():
        notice = (
            RectificationNotice.objects.select_for_update(of=("self",))
            .select_related("institution__region", "issuing_department", "issuing_region")
            .get(pk=notice.pk)
        )
        if notice.status in (NoticeStatus.ISSUED, NoticeStatus.CLOSED):
            return notice
        _notice_transition(notice, NoticeStatus.ISSUED)
        if actor is not None and getattr(actor, "is_authenticated", False) and not actor.is_superuser:
            post = issuing_post(actor, notice.institution)
            if post is None or post.department_id != notice.issuing_department_id:
                raise PermissionDenied(f"整改通知书须由{notice.issuer_name}的监管执法人员下达。")
        items = list(notice.items.select_for_update().order_by("seq"))
        late = [i for i in items if i.due_date_set is not None and i.due_date_set <= on]
        if late:
            raise ValidationError(
                f"第{late[0].seq}项的整改截止日期（{late[0].due_date_set:%Y年%-m月%-d日}）不晚于下达日期，"
                "请删除草稿后重新填写整改期限。"
            )
        for item in items:
            item.due, length = item_due(item, on, notice.issuing_region)
            item.save(update_fields=["due"])
            item._length = length  # type: ignore[attr-defined]
        number = documents.document_allocate_number(
            kind=NOTICE_KIND,
            kind_short=NOTICE_KIND_SHORT,
            department=notice.issuing_department,
            region=notice.issuing_region,
            year=on.year,
        )
        before = {"status": notice.status, "number": notice.number, "issued_on": None, "issued_by": None}
        notice.status, notice.number, notice.issued_on = NoticeStatus.ISSUED, number, on
        notice.issued_by = actor if getattr(actor, "pk", None) else None
        pdf = documents.render_pdf(NOTICE_TEMPLATE, notice_context(notice, on=on))
        doc = documents.document_store(
            kind=NOTICE_KIND,
            title=f"责令限期整改通知书（{notice.institution.name}）",
            pdf=pdf,
            department=notice.issuing_department,
            region=notice.issuing_region,
            number=number,
            subject=notice,
            created_by=notice.issued_by,
        )
        notice.document = doc
        _save(notice, actor, "issue", {**before, "document": None})
        for item in items:
            deadlines.deadline_open(
                item,
                ITEM_RULE,
                on,
                department=notice.issuing_department,
                region=notice.issuing_region,
                note=f"{number} 第{item.seq}项：{item.problem[:60]}",
                length=item._length,  # type: ignore[attr-defined]
                due=item.due,  # the notice states this date: it binds, it is never recounted
            )
    return notice


# --- responses and acceptance ----------------------------------------------------------------


def _lock_item(item: NoticeItem) -> NoticeItem:
    return (
        NoticeItem.objects.select_for_update(of=("self",))
        .select_related(
            "notice__institution__region", "notice__issuing_department", "notice__issuing_region", "finding"
        )
        .get(pk=item.pk)
    )


def _item_transition(item: NoticeItem, target: str) -> None:
    if item.notice.status != NoticeStatus.ISSUED:
        raise ValidationError(f"整改通知书状态为“{item.notice.get_status_display()}”，不能办理。")
    if (item.state, target) not in ITEM_TRANSITIONS:
        raise ValidationError(f"整改事项状态为“{item.get_state_display()}”，不能执行此操作。")


def private_root() -> Path:
    return Path(settings.PRIVATE_STORAGE_ROOT)


def _store_evidence(item: NoticeItem, name: str, data: bytes) -> tuple[str, str]:
    ext = Path(name).suffix.lower()
    if ext not in EVIDENCE_EXTENSIONS:
        raise ValidationError({"evidence_file": "佐证文件只能是 PDF、JPG 或 PNG。"})
    if len(data) > MAX_EVIDENCE_BYTES:
        raise ValidationError({"evidence_file": "佐证文件不能超过 15 MB。"})
    relative = Path("rectification") / str(item.pk) / f"{uuid.uuid4().hex}{ext}"
    target = private_root() / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return str(relative), hashlib.sha256(data).hexdigest()


def evidence_path(response: ItemResponse) -> Path:
    root = private_root().resolve()
    path = (root / response.evidence_path).resolve()
    if root not in path.parents:
        raise ValidationError("invalid evidence path")
    return path


def item_respond(
    item: NoticeItem,
    *,
    actor: Any,
    action_taken: str,
    evidence_text: str = "",
    evidence_name: str = "",
    evidence_data: bytes | None = None,
    on: dt.date | None = None,
) -> ItemResponse:
    """Record the institution's report on one item (what was done, evidence)."""
    action_taken = (action_taken or "").strip()
    if not action_taken:
        raise ValidationError({"action_taken": "请填写整改措施及完成情况。"})
    _visible(actor, item)
    stored = ("", "")
    with transaction.atomic():
        item = _lock_item(item)
        _ensure_notice_handler(actor, item.notice)
        _item_transition(item, ItemState.RESPONDED)
        if evidence_data:
            stored = _store_evidence(item, evidence_name, evidence_data)
        response = ItemResponse(
            item=item,
            round=item.responses.count() + 1,
            action_taken=action_taken,
            evidence_text=(evidence_text or "").strip(),
            evidence_name=Path(evidence_name).name[:200] if evidence_data else "",
            evidence_path=stored[0],
            evidence_sha256=stored[1],
            responded_on=on or today(),
            recorded_by=actor if getattr(actor, "pk", None) else None,
        )
        _create(response, actor, "respond")
        if item.state != ItemState.RESPONDED:
            before = {"state": item.state}
            item.state = ItemState.RESPONDED
            _save(item, actor, "respond", before)
    return response


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
    return _create(
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
            signed_by=actor if getattr(actor, "pk", None) else None,
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
    _visible(actor, item)
    if reinspection is not None and reinspected_on is None:
        reinspected_on = reinspection.inspected_on or reinspection.scheduled_on
    with transaction.atomic():
        item = _lock_item(item)
        _ensure_notice_handler(actor, item.notice)
        if item.state == ItemState.ACCEPTED:
            return item.acceptances.filter(verdict=Verdict.ACCEPTED).latest("pk")
        _item_transition(item, ItemState.ACCEPTED)
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
        before = {"state": item.state, "accepted_at": None}
        item.state, item.accepted_at = ItemState.ACCEPTED, timezone.now()
        _save(item, actor, "accept", before)
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
    _visible(actor, item)
    if new_period_workdays is not None and not 1 <= int(new_period_workdays) <= 250:
        raise ValidationError({"new_period_workdays": "重新限定的整改期限应为 1–250 个工作日。"})
    if reinspection is not None and reinspected_on is None:
        reinspected_on = reinspection.inspected_on or reinspection.scheduled_on
    with transaction.atomic():
        item = _lock_item(item)
        _ensure_notice_handler(actor, item.notice)
        _item_transition(item, ItemState.REJECTED)
        _check_acceptor(item, acceptor, observed, reinspected_on)
        _check_reinspection(item, reinspection)
        assert acceptor is not None and reinspected_on is not None
        new_due = None
        if new_period_workdays:
            new_due = deadlines.compute_due(
                deadlines.rule_for(ITEM_RULE, region=item.notice.issuing_region).unit,
                reinspected_on,
                int(new_period_workdays),
            ).due
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
        before = {"state": item.state, "due": item.due}
        item.state = ItemState.REJECTED
        if new_due is not None:
            for d in deadlines.open_deadlines_for(item).filter(rule__code=ITEM_RULE):
                deadlines.deadline_waive(
                    d, reason=f"验收不通过，重新限期整改至 {new_due:%Y-%m-%d}", actor=None
                )
            item.due = new_due
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
        _save(item, actor, "reject", before)
    return signature


def _maybe_close(notice: RectificationNotice, actor: Any) -> None:
    """Close and publish the notice once every item is accepted; feed credit."""
    notice = (
        RectificationNotice.objects.select_for_update(of=("self",))
        .select_related("institution")
        .get(pk=notice.pk)
    )
    if notice.status != NoticeStatus.ISSUED or notice.items.exclude(state=ItemState.ACCEPTED).exists():
        return
    _notice_transition(notice, NoticeStatus.CLOSED)
    before = {"status": notice.status, "closed_at": None, "published_on": None, "published_until": None}
    notice.status, notice.closed_at, notice.published_on = NoticeStatus.CLOSED, timezone.now(), today()
    notice.published_until = publication_end(notice.published_on, "rectification_result")
    _save(notice, actor, "close", before)
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
            _credit(
                notice.institution,
                "major_hazard_rectified",
                title=f"重大隐患按期整改：{item.problem[:80]}",
                source=item,
                document=notice.number,
                domain=item.finding.domain,
                department=notice.issuing_department,
                entered_by=actor,
            )


# --- escalation ------------------------------------------------------------------------------


def overdue_items(notice: RectificationNotice, on: dt.date) -> models.QuerySet[NoticeItem]:
    return notice.items.filter(state__in=OPEN_ITEM_STATES, due__lt=on).order_by("seq")


def rectification_escalate_overdue(on: dt.date | None = None) -> list[SuspensionOrder]:
    """Daily, beat-safe: every issued notice with an item past its due date gets, exactly once,
    a draft order to suspend business for rectification (责令停业整顿) for a leader to
    approve. Safe to run twice or on two workers: the notice row is claimed with
    ``select_for_update(skip_locked=True)``, ``escalated_at`` is the no-op guard and the
    order is one-to-one with the notice."""
    on = on or today()
    candidates = list(
        RectificationNotice.objects.filter(
            status=NoticeStatus.ISSUED,
            escalated_at__isnull=True,
            items__state__in=OPEN_ITEM_STATES,
            items__due__lt=on,
        )
        .values_list("pk", flat=True)
        .distinct()
    )
    made: list[SuspensionOrder] = []
    for pk in candidates:
        with transaction.atomic():
            notice = (
                RectificationNotice.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(pk=pk, escalated_at__isnull=True, status=NoticeStatus.ISSUED)
                .select_related("institution", "issuing_department", "issuing_region")
                .first()
            )
            if notice is None:
                continue
            items = list(overdue_items(notice, on).select_related("finding__domain"))
            if not items:
                continue
            reasons = "\n".join(f"{i.seq}. {i.problem}（整改截止日 {i.due:%Y年%-m月%-d日}）" for i in items)
            order, created = SuspensionOrder.objects.get_or_create(
                notice=notice, defaults={"reasons": reasons}
            )
            if created:
                audit(
                    order,
                    None,
                    "draft",
                    {"status": (None, order.status), "reasons": (None, reasons)},
                    created=True,
                )
            before = {"escalated_at": None}
            notice.escalated_at = timezone.now()
            _save(notice, None, "escalate", before)
            for item in items:
                if item.finding.severity == Severity.MAJOR:
                    _credit(
                        notice.institution,
                        "major_hazard_overdue",
                        title=f"重大隐患逾期未整改：{item.problem[:80]}",
                        source=item,
                        document=notice.number,
                        domain=item.finding.domain,
                        department=notice.issuing_department,
                    )
            deadlines.notify(
                leaders_of(notice.issuing_department, notice.issuing_region),
                title=f"【待审批】责令停业整顿：{notice.institution.name}",
                body=f"{notice.number} 有 {len(items)} 项问题逾期未整改，已起草责令停业整顿决定书，请审批。",
                url=f"/inspections/rectification/suspensions/{order.pk}/",
                kind="escalation",
            )
            made.append(order)
    return made


def can_approve(user: Any, order: SuspensionOrder) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    notice = order.notice
    return any(
        a.role == Role.LEADER
        and a.department_id == notice.issuing_department_id
        and notice.issuing_region.code.startswith(a.region.prefix)
        for a in user.active_assignments()
    )


def suspension_context(
    order: SuspensionOrder, *, on: dt.date | None = None, preview: bool = False
) -> dict[str, Any]:
    notice = order.notice
    return {
        "title": "责令停业整顿决定书",
        "order": order,
        "notice": notice,
        "institution": notice.institution,
        "items": list(notice.items.filter(state__in=OPEN_ITEM_STATES).order_by("seq")),
        "issuer": notice.issuer_name,
        "number": order.number or "（批准后编号）",
        "on": on or (order.approved_at and timezone.localtime(order.approved_at).date()) or today(),
        "preview": preview,
    }


def suspension_preview_html(order: SuspensionOrder) -> str:
    return documents.render_html(
        SUSPENSION_TEMPLATE, suspension_context(order, preview=order.status == OrderStatus.DRAFT)
    )


def compulsory_departments(order: SuspensionOrder) -> list[tuple[Any, Department]]:
    """(domain, department) pairs for the overdue problems whose compulsory measures belong to
    another department by the remit matrix (e.g. sealing a fire hazard: fire rescue)."""
    from supervision.referrals.services import responsible_department_for

    notice = order.notice
    pairs: dict[int, tuple[Any, Department]] = {}
    for item in notice.items.filter(state__in=OPEN_ITEM_STATES).select_related("finding__domain"):
        domain = item.finding.domain
        if domain.pk in pairs or department_covers(notice.issuing_department, domain):
            continue
        target = responsible_department_for(domain, exclude=notice.issuing_department)
        if target is not None:
            pairs[domain.pk] = (domain, target)
    return list(pairs.values())


def suspension_approve(order: SuspensionOrder, *, actor: Any, on: dt.date | None = None) -> SuspensionOrder:
    """A leader approves the draft: number (kind "suspension"), render and store the PDF, and
    refer the measures needing compulsory powers to the departments that hold them."""
    from supervision.referrals.services import refer

    _visible(actor, order)
    on = on or today()
    with transaction.atomic():
        order = (
            SuspensionOrder.objects.select_for_update(of=("self",))
            .select_related("notice__institution", "notice__issuing_department", "notice__issuing_region")
            .get(pk=order.pk)
        )
        if order.status == OrderStatus.APPROVED:
            return order
        if not can_approve(actor, order):
            raise PermissionDenied("责令停业整顿须由下达部门的领导审批。")
        notice = order.notice
        number = documents.document_allocate_number(
            kind=SUSPENSION_KIND,
            kind_short=SUSPENSION_KIND_SHORT,
            department=notice.issuing_department,
            region=notice.issuing_region,
            year=on.year,
        )
        before = {
            "status": order.status,
            "number": "",
            "approved_by": None,
            "approved_at": None,
            "document": None,
        }
        order.status, order.number, order.approved_at = OrderStatus.APPROVED, number, timezone.now()
        order.approved_by = actor if getattr(actor, "pk", None) else None
        pdf = documents.render_pdf(SUSPENSION_TEMPLATE, suspension_context(order, on=on))
        order.document = documents.document_store(
            kind=SUSPENSION_KIND,
            title=f"责令停业整顿决定书（{notice.institution.name}）",
            pdf=pdf,
            department=notice.issuing_department,
            region=notice.issuing_region,
            number=number,
            subject=order,
            created_by=order.approved_by,
        )
        _save(order, actor, "approve", before)
        for domain, target in compulsory_departments(order):
            refer(
                order,
                domain=domain,
                from_department=notice.issuing_department,
                from_region=notice.issuing_region,
                user=actor,
                title=f"移送采取强制措施：{notice.institution.name}{domain.name}问题逾期未整改",
                description=(
                    f"{notice.institution.name}经{notice.number}责令限期整改，下列{domain.name}问题逾期未整改，"
                    f"本机关已作出{number}责令停业整顿决定，需采取行政强制措施的，请依职责处理：\n{order.reasons}"
                ),
                institution_name=notice.institution.name,
                credit_code=notice.institution.credit_code or "",
                to_department=target,
            )
    return order


# --- listed supervision ----------------------------------------------------------------------


def listing_open(
    finding: Finding, *, actor: Any, supervising_body: str, deadline: dt.date, on: dt.date | None = None
) -> ListedSupervision:
    """挂牌督办 a 重大 hazard: the supervising government body and the deadline."""
    _visible(actor, finding)
    errors: dict[str, str] = {}
    if finding.severity != Severity.MAJOR:
        errors["finding"] = "只有重大隐患才能挂牌督办。"
    if not (supervising_body or "").strip():
        errors["supervising_body"] = "请填写挂牌督办机关。"
    on = on or today()
    if deadline is None or deadline <= on:
        errors["deadline"] = "督办期限须晚于挂牌日期。"
    if errors:
        raise ValidationError(errors)
    _ensure_listing_handler(actor, finding.supervising_department, finding.institution.region)
    with transaction.atomic():
        existing = ListedSupervision.objects.select_for_update().filter(finding=finding).first()
        if existing is not None:
            return existing
        return _create(
            ListedSupervision(
                finding=finding,
                department=finding.supervising_department,
                supervising_body=supervising_body.strip(),
                deadline=deadline,
                listed_on=on,
                created_by=actor if getattr(actor, "pk", None) else None,
            ),
            actor,
            "list",
        )


def _lock_listing(listing: ListedSupervision) -> ListedSupervision:
    return (
        ListedSupervision.objects.select_for_update(of=("self",))
        .select_related("department", "finding__institution__region")
        .get(pk=listing.pk)
    )


def _ensure_listing_handler(actor: Any, department: Department, region: Region) -> None:
    """The department handling the hazard, or civil affairs (the lead department, which
    coordinates 挂牌督办 across departments)."""
    try:
        ensure_handler(actor, department, region, department.name)
    except PermissionDenied:
        lead = {a.department_id: a.department for a in actor.active_assignments() if a.department.is_lead}
        for dept in lead.values():
            try:
                ensure_handler(actor, dept, region, department.name)
                return
            except PermissionDenied:
                continue
        raise


def listing_progress_add(
    listing: ListedSupervision, *, actor: Any, text: str, on: dt.date | None = None
) -> ListingProgress:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "请填写整改进展。"})
    _visible(actor, listing)
    with transaction.atomic():
        listing = _lock_listing(listing)
        _ensure_listing_handler(actor, listing.department, listing.finding.institution.region)
        if listing.status != ListingStatus.OPEN:
            raise ValidationError("挂牌督办已销号，不能再报告进展。")
        return _create(
            ListingProgress(
                listing=listing,
                text=text,
                reported_on=on or today(),
                reported_by=actor if getattr(actor, "pk", None) else None,
            ),
            actor,
            "progress",
        )


def listing_close(
    listing: ListedSupervision, *, actor: Any, note: str, on: dt.date | None = None
) -> ListedSupervision:
    """销号: closure of the listed supervision with its note."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "请填写销号说明（整改验收情况）。"})
    _visible(actor, listing)
    with transaction.atomic():
        listing = _lock_listing(listing)
        _ensure_listing_handler(actor, listing.department, listing.finding.institution.region)
        if listing.status == ListingStatus.CLOSED:
            return listing
        before = {"status": listing.status, "closed_on": None, "closure_note": "", "closed_by": None}
        listing.status, listing.closed_on, listing.closure_note = ListingStatus.CLOSED, on or today(), note
        listing.closed_by = actor if getattr(actor, "pk", None) else None
        _save(listing, actor, "close", before)
    return listing


# --- penalties -------------------------------------------------------------------------------


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
    """Record an administrative penalty decision, publish it and feed it to the credit ledger."""
    _visible(actor, institution)
    findings = list(findings)
    post = issuing_post(actor, institution) if actor is not None else None
    if department is None:
        if post is None:
            raise PermissionDenied("您在该机构所在辖区没有监管执法岗位，不能登记行政处罚。")
        department = post.department
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
        penalty = _create(
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
                recorded_by=actor if getattr(actor, "pk", None) else None,
            ),
            actor,
            "record",
        )
        if findings:
            penalty.findings.set(findings)
        _credit(
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


def _lock_penalty_for_handling(penalty: Penalty, actor: Any) -> Penalty:
    """Re-read the penalty under a row lock (its own row only) and check that ``actor`` handles
    it: the issuing department's staff over the institution's region."""
    penalty = (
        Penalty.objects.select_for_update(of=("self",))
        .select_related("department", "region", "institution__region")
        .get(pk=penalty.pk)
    )
    ensure_handler(
        actor,
        penalty.department,
        penalty.institution.region,
        f"{penalty.region.name}{penalty.department.name}",
    )
    return penalty


def penalty_set_appeal(penalty: Penalty, *, actor: Any, status: str) -> Penalty:
    """Record reconsideration/litigation and its outcome; a revoked decision leaves the public
    list and its credit record is withdrawn."""
    if status not in AppealStatus.values:
        raise ValidationError({"appeal_status": "复议诉讼状态无效。"})
    _visible(actor, penalty)
    with transaction.atomic():
        penalty = _lock_penalty_for_handling(penalty, actor)
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
        _save(penalty, actor, "appeal", before)
        if status == AppealStatus.REVOKED:
            _withdraw_credit(penalty, actor)
    return penalty


def penalty_end_publication(penalty: Penalty, *, actor: Any, ended_on: dt.date, reason: str) -> Penalty:
    """信用修复: end a penalty's publication early, on the party's application, so that it is off
    the public pages from ``ended_on`` (its last public day becomes the day before). Only the
    issuing department's staff may do it, only for a penalty other than a warning (whose 3
    months are fixed), only once it has been public for the minimum term from the decision
    (``CREDIT_REPAIR_MINIMUM_MONTHS``), never backdated and never to lengthen the period. The
    change feed reports the delete (``public_changed_at``)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写提前结束公示的理由（当事人的信用修复申请及审核意见）。"})
    _visible(actor, penalty)
    with transaction.atomic():
        penalty = _lock_penalty_for_handling(penalty, actor)
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
        _save(penalty, actor, "end_publication", before)
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
