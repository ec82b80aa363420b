"""Workbench panel for civil-affairs staff: the registry work waiting in their jurisdiction."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse

from .models import Institution, InstitutionStatus
from .querysets import awaiting_filing_check

CIVIL_AFFAIRS = "civil_affairs"


def is_civil_affairs(user: Any) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return any(a.department.code == CIVIL_AFFAIRS for a in user.active_assignments())


def registry_panel(request: Any) -> dict[str, Any] | None:
    """登记未备案 / 备案待现场核查 / 发现的未登记机构 — counts inside the user's jurisdiction,
    each linking to the filtered institution list. One query."""
    user = request.user
    if not is_civil_affairs(user):
        return None
    counts = (
        Institution.objects.visible_to(user)
        .annotate(has_live_check=Exists(awaiting_filing_check(OuterRef("pk"))))
        .aggregate(
            not_filed=Count("pk", filter=Q(status=InstitutionStatus.REGISTERED_NOT_FILED)),
            awaiting=Count("pk", filter=Q(has_live_check=True)),
            unregistered=Count("pk", filter=Q(status=InstitutionStatus.UNREGISTERED)),
        )
    )
    base = reverse("institutions:list")
    rows: list[tuple[str, str, dict[str, str]]] = [
        ("not_filed", "登记未备案机构", {"status": InstitutionStatus.REGISTERED_NOT_FILED}),
        ("awaiting", "备案后待现场核查", {"awaiting_check": "true"}),
        ("unregistered", "发现的未登记机构", {"status": InstitutionStatus.UNREGISTERED}),
    ]
    items = [
        {"key": key, "label": label, "count": counts[key], "url": f"{base}?{urlencode(query)}"}
        for key, label, query in rows
    ]
    return {"template": "institutions/_panel.html", "context": {"items": items}, "order": 30}


# --- to-dos (supervision.core.workbench.register_todo) --------------------------------------------


def filings_to_check(user: Any) -> Any:
    """Filed institutions whose on-site check (备案后现场核查) is still open, soonest due first."""
    from django.db.models import Subquery

    clocks = awaiting_filing_check(OuterRef("pk"))
    return (
        Institution.objects.visible_to(user)
        .annotate(check_due=Subquery(clocks.order_by("due").values("due")[:1]))
        .filter(check_due__isnull=False)
        .select_related("region")
        .order_by("check_due", "pk")
    )


def _describe_filing_check(inst: Institution) -> dict[str, Any]:
    from django.utils import timezone

    return {
        "title": f"{inst.name} · 备案后现场核查",
        "subtitle": inst.region.full_name,
        "url": reverse("institutions:onsite_check", args=[inst.pk]),
        "due": inst.check_due,  # type: ignore[attr-defined]
        "overdue": inst.check_due < timezone.localdate(),  # type: ignore[attr-defined]
    }


def register_todos() -> None:
    from supervision.core.workbench import register_subject_url, register_todo

    register_todo(
        "verify", "institution.onsite_check", filings_to_check, _describe_filing_check, action="keep"
    )
    register_subject_url(Institution, lambda o: reverse("institutions:detail", args=[o.pk]))
