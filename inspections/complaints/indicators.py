"""Complaints' dashboard indicators (issue 16): complaints by status in the region where they
happened. The rate answered within 5 working days is the deadline engine's
(``deadlines.complaint_feedback_rate``), decided by the clock alone."""

from __future__ import annotations

from typing import Any

from supervision.indicators.lists import counted, in_region_with

from .filters import ComplaintFilter
from .models import Complaint, State

GROUP = "投诉举报"


def _base() -> Any:
    return Complaint.objects.select_related("institution", "region", "handling_department", "handling_region")


def register() -> None:
    counted(
        "complaints.total",
        "投诉举报总数",
        definition="发生地在辖区内的投诉举报件数（各状态）。",
        source="003 10.",
        base=_base,
        filterset=ComplaintFilter,
        url_name="complaints:list",
        params=in_region_with(),
        group=GROUP,
    )
    for state in State:
        counted(
            f"complaints.state.{state.value}",
            str(state.label),
            definition=f"发生地在辖区内、当前状态为“{state.label}”的投诉举报件数。",
            source="003 10.",
            base=_base,
            filterset=ComplaintFilter,
            url_name="complaints:list",
            params=in_region_with(state=state.value),
            group=GROUP,
        )


register()
