"""责令限期整改通知书: draft from open findings, preview, issue (number, PDF, one clock per item),
discard a draft."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from inspections.models import Finding, FindingStatus
from institutions.models import Institution
from supervision.core import policy
from supervision.core.audit import audit, create_audited
from supervision.core.models import Department, Region
from supervision.core.transitions import transition
from supervision.deadlines import services as deadlines
from supervision.documents import services as documents
from supervision.workcal import services as workcal

from ..models import (
    ITEM_RULE,
    NOTICE_KIND,
    NOTICE_KIND_SHORT,
    NOTICE_TRANSITIONS,
    OPEN_ITEM_STATES,
    NoticeItem,
    NoticeStatus,
    RectificationNotice,
)
from .common import county_of, issuing_post, today, visible

NOTICE_TEMPLATE = "documents/rectification_notice.html"
NOTICE_TITLE = "责令限期整改通知书"


@dataclass(frozen=True)
class ItemSpec:
    """What the issuer writes for one problem of a notice."""

    finding: Finding
    legal_basis: str
    requirement: str
    period_workdays: int | None = None
    due_date: dt.date | None = None


# --- due dates -------------------------------------------------------------------------------


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


# --- drafting --------------------------------------------------------------------------------


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
    department: Department | None = None,
    region: Region | None = None,
) -> RectificationNotice:
    """Draft a notice from one or more open findings of one institution (preview before
    issuing). The issuing body is the actor's post covering the institution (``issuing_post``),
    or ``department``/``region`` when the system drafts. ``on`` is the intended issue date
    (default today) against which written due dates are checked; issuing checks them again
    against the actual issue date."""
    specs = list(specs)
    on = on or today()
    visible(actor, institution)
    post = issuing_post(actor, institution)
    if department is None and post is not None:
        department = post.department
    policy.require(actor, RectificationNotice, "create", region=institution.region, department=department)
    if department is None:  # the policy refuses a user without a post: only the system gets here
        raise ValueError("notice_create by the system needs the issuing department")
    if not specs:
        raise ValidationError({"findings": "请至少选择一个问题。"})
    errors: dict[str, str] = {}
    seen: set[int] = set()
    for n, spec in enumerate(specs, 1):
        visible(actor, spec.finding)
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
    county = region or county_of(post.region if post is not None else institution.region)
    with transaction.atomic():
        notice = RectificationNotice(
            institution=institution,
            issuing_department=department,
            issuing_region=county,
            reconsideration_body=reconsideration_body.strip() or f"{county.name}人民政府",
            court=court.strip() or f"{county.name}人民法院",
            created_by=policy.as_user(actor),
        )
        if consequence.strip():
            notice.consequence = consequence.strip()
        create_audited(notice, actor, "draft")
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


def _lock_notice(notice: RectificationNotice) -> RectificationNotice:
    return (
        RectificationNotice.objects.select_for_update(of=("self",))
        .select_related("institution__region", "issuing_department", "issuing_region")
        .get(pk=notice.pk)
    )


def notice_discard(notice: RectificationNotice, *, actor: Any) -> None:
    """Delete a draft (nothing was numbered or sent)."""
    visible(actor, notice)
    with transaction.atomic():
        notice = _lock_notice(notice)
        policy.require(actor, notice, "discard")
        if notice.status != NoticeStatus.DRAFT:
            raise ValidationError("已下达的整改通知书不能删除。")
        audit(notice, actor, "discard", {"status": (notice.status, "deleted")})
        notice.delete()


# --- the document ----------------------------------------------------------------------------


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
    number = notice.number or "（下达时编号）"
    return {
        "title": NOTICE_TITLE,
        "notice": notice,
        "institution": notice.institution,
        "items": items,
        **documents.issuer_context(
            notice.issuing_department,
            notice.issuing_region,
            user=notice.issued_by or notice.created_by,
        ),
        "number": number,
        "on": on,
        "preview": preview,
        "any_provisional": any(getattr(i, "due_provisional", False) for i in items),
        "receipt": {
            "doc_name": NOTICE_TITLE,
            "number": notice.number,
            "addressee": notice.institution.name,
            "place": notice.institution.address,
        },
    }


def notice_preview_html(notice: RectificationNotice) -> str:
    return documents.render_html(
        NOTICE_TEMPLATE, notice_context(notice, preview=notice.status == NoticeStatus.DRAFT)
    )


def notice_preview_pdf(notice: RectificationNotice) -> bytes:
    return documents.html_to_pdf(notice_preview_html(notice))


# --- issuing ---------------------------------------------------------------------------------


def notice_issue(
    notice: RectificationNotice, *, actor: Any, on: dt.date | None = None
) -> RectificationNotice:
    """下达: allocate the number, compute each item's due date, render the A4 PDF, store it
    immutably (subject = the notice) and open one ``rectification.item`` clock per item — all
    in one transaction, so a failed render leaves no gap in the numbering."""
    visible(actor, notice)
    on = on or today()
    with transaction.atomic():
        notice = _lock_notice(notice)
        policy.require(actor, notice, "issue")
        if notice.status in (NoticeStatus.ISSUED, NoticeStatus.CLOSED):
            return notice
        items = list(notice.items.select_for_update().order_by("seq"))
        late = [i for i in items if i.due_date_set is not None and i.due_date_set <= on]
        if late:
            raise ValidationError(
                f"第{late[0].seq}项的整改截止日期（{late[0].due_date_set:%Y年%-m月%-d日}）不晚于下达日期，"
                "请删除草稿后重新填写整改期限。"
            )
        lengths: dict[int, int] = {}
        for item in items:
            item.due, lengths[item.pk] = item_due(item, on, notice.issuing_region)
            item.save(update_fields=["due"])
        number = documents.document_allocate_number(
            kind=NOTICE_KIND,
            kind_short=NOTICE_KIND_SHORT,
            department=notice.issuing_department,
            region=notice.issuing_region,
            year=on.year,
        )
        issued_by = policy.as_user(actor)
        # The PDF shows the number and date it is issued with: render a copy carrying them, and
        # let the one transition helper write the row (status, number, date, document).
        shown = copy.copy(notice)
        shown.number, shown.issued_on, shown.issued_by = number, on, issued_by
        html, pdf = documents.render_document(NOTICE_TEMPLATE, notice_context(shown, on=on))
        doc = documents.document_store(
            kind=NOTICE_KIND,
            title=f"{NOTICE_TITLE}（{notice.institution.name}）",
            pdf=pdf,
            source_html=html,
            department=notice.issuing_department,
            region=notice.issuing_region,
            number=number,
            subject=notice,
            created_by=issued_by,
        )
        notice, _changed = transition(
            notice,
            NoticeStatus.ISSUED,
            step="issue",
            actor=actor,
            table=NOTICE_TRANSITIONS,
            field="status",
            updates={"number": number, "issued_on": on, "issued_by": issued_by, "document": doc},
        )
        for item in items:
            deadlines.deadline_open(
                item,
                ITEM_RULE,
                on,
                department=notice.issuing_department,
                region=notice.issuing_region,
                note=f"{number} 第{item.seq}项：{item.problem[:60]}",
                length=lengths[item.pk],
                due=item.due,  # the notice states this date: it binds, it is never recounted
            )
    return notice


def _register_word_draft() -> None:
    from supervision.documents.drafts import register_draft

    register_draft(
        "rectification_notice",
        RectificationNotice,
        build=notice_preview_html,
        action="issue",
        is_draft=lambda n: n.status == NoticeStatus.DRAFT,
        filename=lambda n: f"{NOTICE_TITLE}（{n.institution.name}）",
    )


_register_word_draft()
