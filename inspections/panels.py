"""Workbench panel: open 重大 hazards listed for 挂牌督办 in the leader's jurisdiction."""

from __future__ import annotations

from typing import Any

from django.db.models import F

from supervision.core.models import Role

PANEL_LIMIT = 20


def major_hazards_panel(request: Any) -> dict[str, Any] | None:
    """Shown to leaders (and administrators): open major hazards in their region, until closed."""
    from .models import Finding

    user = request.user
    if not user.is_authenticated or not user.has_role(Role.LEADER, Role.ADMIN):
        return None
    visible: Any = Finding.objects.visible_to(user)
    qs = (
        visible.major_open()
        .filter(listed_supervision=True)
        .with_progress()
        .select_related("institution", "domain", "supervising_department")
        .order_by(F("rectification_due").asc(nulls_last=True), "found_on", "pk")
    )
    rows = list(qs[:PANEL_LIMIT])
    return {
        "template": "inspections/panel_major_hazards.html",
        "context": {"rows": rows, "count": qs.count() if len(rows) == PANEL_LIMIT else len(rows)},
        "order": 20,
    }
