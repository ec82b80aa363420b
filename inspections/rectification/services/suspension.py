"""Not rectified in time (逾期未整改): the suspension order (责令停业整顿) drafted when an item's
clock escalates, its approval by a leader of the issuing department, and the referral of the
measures that need compulsory powers.

When an item is overdue and when it escalates is the deadline engine's decision alone: the
engine marks the item's ``rectification.item`` clock overdue and fires its escalation stage on
the working day it computes; ``item_escalated`` is the stage handler registered for that stage
(``RectificationConfig.ready``). No date is compared here."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from inspections.models import Severity
from inspections.services import department_covers
from supervision.core import policy
from supervision.core.audit import audit, save_audited
from supervision.core.models import Department
from supervision.core.transitions import transition
from supervision.deadlines import services as deadlines
from supervision.deadlines.models import Deadline, Reminder
from supervision.deadlines.services import register_stage_handler
from supervision.documents import services as documents

from ..models import (
    ITEM_RULE,
    OPEN_ITEM_STATES,
    ORDER_TRANSITIONS,
    SUSPENSION_KIND,
    SUSPENSION_KIND_SHORT,
    NoticeItem,
    NoticeStatus,
    OrderStatus,
    RectificationNotice,
    SuspensionOrder,
)
from .common import credit, leaders_of, today, visible

SUSPENSION_TEMPLATE = "documents/suspension_order.html"
SUSPENSION_TITLE = "责令停业整顿决定书"

# --- escalation --------------------------------------------------------------------------------


def overdue_items(notice: RectificationNotice, on: dt.date | None = None) -> models.QuerySet[NoticeItem]:
    """The notice's open items whose clock the engine holds overdue (``NoticeItemQuerySet.overdue``)."""
    return NoticeItem.objects.filter(notice=notice).overdue(on).order_by("seq")


@register_stage_handler(ITEM_RULE, "*escalate")
def item_escalated(deadline: Deadline, stage: str, now: dt.datetime) -> SuspensionOrder | None:
    """Stage handler of the ``rectification.item`` clock's escalation (registered when this
    module is imported, which ``RectificationConfig.ready`` does): the engine says the item is
    overdue past its grace, so the notice gets, once, a draft 责令停业整顿 for a leader to
    approve. Runs inside the delivery that claimed the stage (exactly once per clock and stage);
    idempotent by ``escalated_at``, because a failed delivery is retried as a whole and the
    catch-up task may call it again."""
    if deadline.content_type_id != ContentType.objects.get_for_model(NoticeItem).pk:
        return None
    notice_id = NoticeItem.objects.filter(pk=deadline.object_id).values_list("notice_id", flat=True).first()
    if notice_id is None:
        return None
    return notice_escalate(notice_id, now=now)


def notice_escalate(
    notice_id: int, *, now: dt.datetime | None = None, skip_locked: bool = False
) -> SuspensionOrder | None:
    """Draft the suspension order of an issued notice whose items' clocks are overdue, exactly
    once (the ``escalated_at`` no-op guard; the order is one-to-one with the notice). The system
    acts: the engine decided, nobody clicked. ``skip_locked`` lets the catch-up pass over a
    notice someone is editing (the handler, inside the delivery, waits for it instead)."""
    now = now or timezone.now()
    with transaction.atomic():
        notice = (
            RectificationNotice.objects.select_for_update(skip_locked=skip_locked, of=("self",))
            .filter(pk=notice_id, escalated_at__isnull=True, status=NoticeStatus.ISSUED)
            .select_related("institution", "issuing_department", "issuing_region")
            .first()
        )
        if notice is None:
            return None
        items = list(overdue_items(notice, timezone.localtime(now).date()).select_related("finding__domain"))
        if not items:
            return None
        reasons = "\n".join(f"{i.seq}. {i.problem}（整改截止日 {i.due:%Y年%-m月%-d日}）" for i in items)
        order, created = SuspensionOrder.objects.get_or_create(notice=notice, defaults={"reasons": reasons})
        if created:
            audit(
                order,
                policy.SYSTEM,
                "draft",
                {"status": (None, order.status), "reasons": (None, reasons)},
                created=True,
            )
        before = {"escalated_at": None}
        notice.escalated_at = now
        save_audited(notice, policy.SYSTEM, "escalate", before)
        for item in items:
            if item.finding.severity == Severity.MAJOR:
                credit(
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
    return order


def rectification_escalate_overdue() -> list[SuspensionOrder]:
    """Catch-up (the hourly beat task): run ``item_escalated`` for every item clock whose
    escalation stage the engine has already fired and delivered while its issued notice has not
    escalated — a clock escalated before the handler was deployed, or a notice the handler found
    locked. It reads the engine's own record of the fired stage (the delivered ``Reminder``),
    never a due date, so it drafts nothing the engine has not escalated."""
    ct = ContentType.objects.get_for_model(NoticeItem)
    fired = Reminder.objects.filter(
        escalate=True,
        delivered_at__isnull=False,
        deadline__rule__code=ITEM_RULE,
        deadline__content_type=ct,
    ).values("deadline__object_id")
    candidates = list(
        RectificationNotice.objects.filter(
            status=NoticeStatus.ISSUED, escalated_at__isnull=True, items__pk__in=fired
        )
        .values_list("pk", flat=True)
        .distinct()
    )
    made = []
    for pk in candidates:
        order = notice_escalate(pk, skip_locked=True)
        if order is not None:
            made.append(order)
    return made


# --- the order -----------------------------------------------------------------------------------


def suspension_context(
    order: SuspensionOrder, *, on: dt.date | None = None, preview: bool = False
) -> dict[str, Any]:
    notice = order.notice
    return {
        "title": SUSPENSION_TITLE,
        "order": order,
        "notice": notice,
        "institution": notice.institution,
        "items": list(notice.items.filter(state__in=OPEN_ITEM_STATES).order_by("seq")),
        **documents.issuer_context(notice.issuing_department, notice.issuing_region, user=notice.issued_by),
        "receipt": {
            "doc_name": SUSPENSION_TITLE,
            "number": order.number,
            "addressee": notice.institution.name,
            "place": notice.institution.address,
        },
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
    """A leader of the issuing department approves the draft: number (kind "suspension"),
    render and store the PDF, and refer the measures needing compulsory powers to the
    departments that hold them."""
    from supervision.referrals.services import refer

    visible(actor, order)
    on = on or today()
    with transaction.atomic():
        order = (
            SuspensionOrder.objects.select_for_update(of=("self",))
            .select_related(
                "notice__institution__region", "notice__issuing_department", "notice__issuing_region"
            )
            .get(pk=order.pk)
        )
        policy.require(actor, order, "approve")
        if order.status == OrderStatus.APPROVED:
            return order
        if order.status != OrderStatus.DRAFT:
            raise ValidationError(f"决定书状态为“{order.get_status_display()}”，不能批准。")
        notice = order.notice
        number = documents.document_allocate_number(
            kind=SUSPENSION_KIND,
            kind_short=SUSPENSION_KIND_SHORT,
            department=notice.issuing_department,
            region=notice.issuing_region,
            year=on.year,
        )
        approved_by, approved_at = policy.as_user(actor), timezone.now()
        # The PDF shows the number and approval it is issued with: render a copy carrying them,
        # and let the one transition helper write the row.
        shown = copy.copy(order)
        shown.status, shown.number = OrderStatus.APPROVED, number
        shown.approved_by, shown.approved_at = approved_by, approved_at
        html, pdf = documents.render_document(SUSPENSION_TEMPLATE, suspension_context(shown, on=on))
        document = documents.document_store(
            kind=SUSPENSION_KIND,
            title=f"{SUSPENSION_TITLE}（{notice.institution.name}）",
            pdf=pdf,
            source_html=html,
            department=notice.issuing_department,
            region=notice.issuing_region,
            number=number,
            subject=order,
            created_by=approved_by,
        )
        order, _changed = transition(
            order,
            OrderStatus.APPROVED,
            step="approve",
            actor=actor,
            table=ORDER_TRANSITIONS,
            field="status",
            updates={
                "number": number,
                "approved_by": approved_by,
                "approved_at": approved_at,
                "document": document,
            },
        )
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


def _register_word_draft() -> None:
    from supervision.documents.drafts import register_draft

    register_draft(
        "suspension_order",
        SuspensionOrder,
        build=suspension_preview_html,
        action="approve",
        is_draft=lambda o: o.status == OrderStatus.DRAFT,
        filename=lambda o: f"{SUSPENSION_TITLE}（{o.notice.institution.name}）",
    )


_register_word_draft()
