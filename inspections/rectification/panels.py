"""Workbench panel: my open rectification items by due date (overdue by their clocks), and the
suspension drafts the user may approve."""

from __future__ import annotations

from typing import Any

from supervision.core import policy

PANEL_LIMIT = 10


def rectification_panel(request: Any) -> dict[str, Any] | None:
    from .models import NoticeItem, OrderStatus, SuspensionOrder

    user = request.user
    if not user.is_authenticated:
        return None
    from supervision.core.workbench import in_departments

    # Only the items this user's posts handle (the issuing department's): civil affairs sees
    # fire rescue's items in lists, but they are not its work (policy: HANDLERS = OWNER).
    items: Any = in_departments(NoticeItem.objects.visible_to(user), "notice__issuing_department", user)
    candidates = (
        items.unresolved()
        .filter(notice__status="issued")
        .with_clock()
        .select_related("notice__institution__region", "notice__issuing_department", "finding__domain")
        .order_by("due", "pk")[: PANEL_LIMIT * 3]
    )
    rows = [i for i in candidates if policy.can(user, i, "accept")][:PANEL_LIMIT]
    drafts = 0
    if policy.can_ever(user, SuspensionOrder, "approve"):
        pending: Any = SuspensionOrder.objects.visible_to(user).filter(status=OrderStatus.DRAFT)
        drafts = sum(
            policy.can(user, o, "approve")
            for o in pending.select_related("notice__institution__region", "notice__issuing_department")
        )
    if not rows and not drafts:
        return None
    return {
        "template": "rectification/_panel.html",
        "context": {"rows": rows, "drafts": drafts},
        "order": 25,
    }


# --- to-dos (supervision.core.workbench.register_todo) --------------------------------------------


def items_to_accept(user: Any) -> Any:
    from supervision.core.workbench import in_departments

    from .models import ItemState, NoticeItem, NoticeStatus

    qs: Any = NoticeItem.objects.visible_to(user)
    qs = qs.filter(state=ItemState.RESPONDED, notice__status=NoticeStatus.ISSUED).with_clock()
    return (
        in_departments(qs, "notice__issuing_department", user)
        .select_related("notice__institution__region", "notice__issuing_department", "finding__domain")
        .order_by("due", "pk")
    )


def _describe_item(item: Any) -> dict[str, Any]:
    from django.urls import reverse

    return {
        "title": f"{item.notice.institution.name} · {item.problem[:40]}",
        "subtitle": (
            f"{item.notice.number or '整改通知书'} 第{item.seq}项 · {item.notice.issuing_department.name}"
        ),
        "url": reverse("rectification:item_detail", args=[item.pk]),
        "due": item.due,
        "overdue": bool(getattr(item, "clock_overdue", False)),
    }


def orders_to_approve(user: Any) -> Any:
    from supervision.core.workbench import in_departments

    from .models import OrderStatus, SuspensionOrder

    qs: Any = SuspensionOrder.objects.visible_to(user).filter(status=OrderStatus.DRAFT)
    return (
        in_departments(qs, "notice__issuing_department", user)
        .select_related("notice__institution__region", "notice__issuing_department")
        .order_by("drafted_at", "pk")
    )


def _describe_order(order: Any) -> dict[str, Any]:
    from django.urls import reverse

    return {
        "title": f"{order.notice.institution.name} · 责令停业整顿决定书",
        "subtitle": (
            f"{order.notice.number or '整改通知书'} 逾期未整改 · {order.notice.issuing_department.name}"
        ),
        "url": reverse("rectification:suspension_detail", args=[order.pk]),
        "due": None,
    }


def register_todos() -> None:
    from django.urls import reverse

    from supervision.core.workbench import register_subject_url, register_todo

    from .models import ListedSupervision, NoticeItem, Penalty, RectificationNotice, SuspensionOrder

    register_todo("accept", "rectification.accept", items_to_accept, _describe_item, action="accept")
    register_todo("approve", "rectification.approve", orders_to_approve, _describe_order, action="approve")
    register_subject_url(NoticeItem, lambda o: reverse("rectification:item_detail", args=[o.pk]))
    register_subject_url(RectificationNotice, lambda o: reverse("rectification:notice_detail", args=[o.pk]))
    register_subject_url(SuspensionOrder, lambda o: reverse("rectification:suspension_detail", args=[o.pk]))
    register_subject_url(ListedSupervision, lambda o: reverse("rectification:listing_detail", args=[o.pk]))
    register_subject_url(Penalty, lambda o: reverse("rectification:penalty_detail", args=[o.pk]))
