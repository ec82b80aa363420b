"""The inspections overview (the dashboard of the double-random work)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count, F, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..models import (
    Draw,
    Finding,
    Severity,
)
from ..querysets import RectificationProgress

# --- overview (the inspections dashboard) -----------------------------------------------------------


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """监管概览: open 重大 hazards under 挂牌督办 (every one, until closed), open findings by
    grade, where findings stand (需抄告, rectification progress, overdue) and draws whose seed is
    not yet revealed — all within the user's scope. Every figure is counted on the annotations
    the finding pages show (``with_progress``) and links to the list filtered the same way
    (the ``FindingFilter``), so the list shows the same number. The workbench panel shows the
    first rows of the same 挂牌督办 list to leaders."""
    visible: Any = Finding.objects.visible_to(request.user)
    findings = visible.with_progress()
    major = (
        findings.major_open()
        .filter(listed_supervision=True)
        .select_related("institution", "domain", "supervising_department")
        .order_by(F("rectification_due").asc(nulls_last=True), "found_on", "pk")
    )
    by_severity = dict(
        visible.open().values_list("severity").annotate(n=Count("pk")).values_list("severity", "n")
    )
    counted = findings.aggregate(
        needs_referral=Count("pk", filter=Q(awaiting_referral=True)),
        overdue=Count("pk", filter=Q(rectification_overdue=True)),
        **{state: Count("pk", filter=Q(rectification_progress=state)) for state in OVERVIEW_PROGRESS},
    )
    finding_list = reverse("inspections:finding_list")
    progress = [
        {
            "label": _("需抄告的问题"),
            "count": counted["needs_referral"],
            "url": f"{finding_list}?needs_referral=true",
            "key": "needs_referral",
        },
        *(
            {
                "label": RectificationProgress(state).label,
                "count": counted[state],
                "url": f"{finding_list}?rectification={state}",
                "key": state,
            }
            for state in OVERVIEW_PROGRESS
        ),
        {
            "label": _("整改逾期"),
            "count": counted["overdue"],
            "url": f"{finding_list}?overdue=true",
            "key": "overdue",
        },
    ]
    return render(
        request,
        "inspections/overview.html",
        {
            "major": major,
            "severity_counts": [
                (label, by_severity.get(value, 0), f"{finding_list}?severity={value}&status=open")
                for value, label in Severity.choices
            ],
            "progress_counts": progress,
            "unrevealed_draws": Draw.objects.visible_to(request.user)
            .filter(status__in=["committed", "executed"])
            .select_related("plan")
            .order_by("created_at"),
        },
    )


# The rectification states the overview counts (the open ones; 已整改 and 已销号 are history).
OVERVIEW_PROGRESS = (
    RectificationProgress.NO_NOTICE,
    RectificationProgress.RECTIFYING,
    RectificationProgress.RESPONDED,
    RectificationProgress.REJECTED,
)
