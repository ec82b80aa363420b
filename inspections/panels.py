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


# --- to-dos (supervision.core.workbench.register_todo) --------------------------------------------


def _complaints(user: Any, *states: str) -> Any:
    from inspections.complaints.models import Complaint
    from supervision.core.workbench import in_departments

    qs: Any = Complaint.objects.visible_to(user).filter(state__in=states)
    return (
        in_departments(qs, "handling_department", user)
        .select_related("institution", "region", "handling_region", "handling_department", "domain")
        .order_by(F("feedback_due").asc(nulls_last=True), "received_at", "pk")
    )


def complaints_to_verify(user: Any) -> Any:
    from inspections.complaints.models import State

    return _complaints(user, State.RECEIVED, State.ASSIGNED)


def complaints_to_reply(user: Any) -> Any:
    from inspections.complaints.models import State

    return _complaints(user, State.IN_PROGRESS)


def _describe_complaint(c: Any) -> dict[str, Any]:
    from django.urls import reverse
    from django.utils import timezone

    # Never the complainant's identity: the tracking code, the place, the category.
    about = c.institution.name if c.institution_id else (c.institution_name or c.region.name)
    return {
        "title": f"{about} · {c.get_category_display() or '投诉举报'}",
        "subtitle": f"查询码 {c.tracking_code} · {c.get_channel_display()} · {c.get_state_display()}",
        "url": reverse("complaints:detail", args=[c.pk]),
        "due": c.feedback_due,
        "overdue": bool(c.feedback_due and c.feedback_due < timezone.localdate()),
    }


def register_todos() -> None:
    from django.urls import reverse

    from inspections.complaints.models import Complaint
    from supervision.core.workbench import register_subject_url, register_todo

    from .models import Draw, Finding, Inspection, InspectionPlan

    register_todo("verify", "complaint.start", complaints_to_verify, _describe_complaint, action="start")
    register_todo("reply", "complaint.reply", complaints_to_reply, _describe_complaint, action="reply")
    register_subject_url(Complaint, lambda o: reverse("complaints:detail", args=[o.pk]))
    register_subject_url(Inspection, lambda o: reverse("inspections:inspection_detail", args=[o.pk]))
    register_subject_url(Finding, lambda o: reverse("inspections:finding_detail", args=[o.pk]))
    register_subject_url(InspectionPlan, lambda o: reverse("inspections:plan_detail", args=[o.pk]))
    register_subject_url(Draw, lambda o: reverse("inspections:draw_detail", args=[o.pk]))
