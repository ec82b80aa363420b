"""One FilterSet per list (HTML list and API)."""

from __future__ import annotations

import django_filters
from django import forms

from supervision.core.filters import BoundedFilterSet, RegionSubtreeFilter
from supervision.reports.submission import SubmissionState

from .models import Evaluation

SM = {"class": "form-select form-select-sm"}
IN = {"class": "form-control form-control-sm"}


class EvaluationFilter(BoundedFilterSet):
    """Evaluations by year, state and region subtree."""

    year = django_filters.NumberFilter(label="年度", widget=forms.NumberInput(attrs=IN))
    state = django_filters.ChoiceFilter(
        choices=SubmissionState.choices, label="状态", empty_label="全部状态", widget=forms.Select(attrs=SM)
    )
    region = RegionSubtreeFilter(field_name="region")

    class Meta:
        model = Evaluation
        fields = ["year", "state", "region"]
