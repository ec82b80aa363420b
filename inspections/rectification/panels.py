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
    items: Any = NoticeItem.objects.visible_to(user)
    rows = list(
        items.unresolved()
        .filter(notice__status="issued")
        .with_clock()
        .select_related("notice__institution")
        .order_by("due", "pk")[:PANEL_LIMIT]
    )
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
