"""The workbench panel "my due work" (我的待办时限)."""

from __future__ import annotations

from typing import Any

from .models import LIVE_STATES, Deadline

PANEL_SIZE = 15


def my_due_work(request: Any) -> dict[str, Any] | None:
    user = request.user
    if not user.is_authenticated or (not user.is_superuser and not user.active_assignments()):
        return None
    qs = (
        Deadline.objects.visible_to(user)
        .filter(state__in=LIVE_STATES)
        .select_related("rule", "region", "department")
        .order_by("due", "pk")
    )
    rows = list(qs[:PANEL_SIZE])
    return {
        "template": "deadlines/_panel_due_work.html",
        "context": {"deadlines": rows, "total": qs.count() if len(rows) == PANEL_SIZE else len(rows)},
        "order": 10,
    }
