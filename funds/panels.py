"""Workbench panel: claims waiting for this user's step (民政 review, 财政 approval or payment)
and the open fund flags of the user's jurisdiction (for those who review them)."""

from __future__ import annotations

from typing import Any

from supervision.core import policy

PANEL_LIMIT = 10
STEP_ACTION = {"submitted": "review", "reviewed": "approve", "approved": "pay"}


def funds_panel(request: Any) -> dict[str, Any] | None:
    from .models import FlagStatus, FundFlag, SubsidyClaim

    user = request.user
    if not user.is_authenticated:
        return None
    actions = [a for a in ("review", "approve", "pay") if policy.can_ever(user, SubsidyClaim, a)]
    if not actions and not policy.can_ever(user, FundFlag, "review"):
        return None
    states = [s for s, a in STEP_ACTION.items() if a in actions]
    candidates = (
        SubsidyClaim.objects.visible_to(user)
        .filter(status__in=states)
        .select_related("institution", "programme", "region")
        .order_by("submitted_at", "pk")[: PANEL_LIMIT * 3]
    )
    rows = [c for c in candidates if policy.can(user, c, STEP_ACTION[c.status])][:PANEL_LIMIT]
    flags: Any = FundFlag.objects.visible_to(user).filter(
        status__in=[FlagStatus.OPEN, FlagStatus.UNDER_REVIEW]
    )
    open_flags = flags.count() if policy.can_ever(user, FundFlag, "review") else 0
    if not rows and not open_flags:
        return None
    return {"template": "funds/_panel.html", "context": {"rows": rows, "open_flags": open_flags}, "order": 35}
