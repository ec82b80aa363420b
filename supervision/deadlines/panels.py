"""The workbench panel "my due work" (我的待办时限)."""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch

from .models import LIVE_STATES, Deadline, DeadlineState

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


# --- to-dos (supervision.core.workbench.register_todo) --------------------------------------------


def overdue_for(user: Any) -> Any:
    """Overdue clocks of the departments where the user holds an acting post (the responsible
    department must act on the subject; liaisons and auditors do not): the set-based cut is the
    rule here, the subject's page then asks the policy."""
    from django.db.models import Q
    from django.utils import timezone

    from supervision.core.workbench import in_departments

    qs: Any = Deadline.objects.visible_to(user).filter(state__in=LIVE_STATES)
    qs = qs.filter(Q(state=DeadlineState.OVERDUE) | Q(due__lt=timezone.localdate()))
    return (
        in_departments(qs, "department", user, liaisons=False)
        .select_related("rule", "region", "department", "content_type")
        .prefetch_related("subject")
        .order_by("due", "pk")
    )


def describe_deadline(d: Deadline) -> dict[str, Any]:
    from supervision.core.workbench import subject_url

    try:
        url = subject_url(d.subject)
    except NoReverseMatch:  # a subject without a page: the clock's own page
        url = ""
    return {
        "title": f"{d.subject_repr or d.rule.name} · {d.rule.name}",
        "subtitle": f"{d.department.name if d.department else '—'} · 到期日 {d.due:%Y-%m-%d}",
        "url": url or d.get_absolute_url(),
        "due": d.due,
        "overdue": True,
    }


def register_todos() -> None:
    from supervision.core.workbench import register_todo

    register_todo("overdue", "deadline.overdue", overdue_for, describe_deadline)
