"""Workbench panel: my open rectification items by due date, and suspension drafts for leaders."""

from __future__ import annotations

from typing import Any

from supervision.core.models import Role

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
        .select_related("notice__institution")
        .order_by("due", "pk")[:PANEL_LIMIT]
    )
    drafts = 0
    if user.has_role(Role.LEADER):
        drafts = SuspensionOrder.objects.visible_to(user).filter(status=OrderStatus.DRAFT).count()
    if not rows and not drafts:
        return None
    return {
        "template": "rectification/_panel.html",
        "context": {"rows": rows, "drafts": drafts},
        "order": 25,
    }
