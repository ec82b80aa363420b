"""One FilterSet per list (HTML list and API)."""

from __future__ import annotations

import django_filters
from django import forms

from supervision.core.filters import BoundedFilterSet, RegionSubtreeFilter

from .formats import FORMAT_CHOICES
from .models import Report
from .submission import SubmissionState

SM = {"class": "form-select form-select-sm"}
IN = {"class": "form-control form-control-sm"}


class ReportFilter(BoundedFilterSet):
    """Reports by format, state, period (code, e.g. 2026-11) and region subtree."""

    format = django_filters.ChoiceFilter(
        choices=FORMAT_CHOICES, label="报表", empty_label="全部报表", widget=forms.Select(attrs=SM)
    )
    state = django_filters.ChoiceFilter(
        choices=SubmissionState.choices, label="状态", empty_label="全部状态", widget=forms.Select(attrs=SM)
    )
    period = django_filters.CharFilter(
        field_name="period_key", label="统计期（如 2026-11）", max_length=24, widget=forms.TextInput(attrs=IN)
    )
    region = RegionSubtreeFilter(field_name="region")

    class Meta:
        model = Report
        fields = ["format", "state", "period", "region"]
