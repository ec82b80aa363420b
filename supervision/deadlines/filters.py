"""One FilterSet per list, shared by the HTML list and the API."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from supervision.core.filters import BoundedFilterSet, RegionSubtreeFilter
from supervision.core.models import Department
from supervision.core.widgets import IsoDateInput

from .models import Deadline, DeadlineState, Rule

SM = {"class": "form-select form-select-sm"}
IN = {"class": "form-control form-control-sm"}


class DeadlineFilter(BoundedFilterSet):
    """Deadlines by state, rule, department, region subtree (division code), due range, provisional."""

    state = django_filters.ChoiceFilter(
        choices=DeadlineState.choices, label="状态", empty_label="全部状态", widget=forms.Select(attrs=SM)
    )
    live = django_filters.BooleanFilter(method="filter_live", label="未完成", widget=forms.HiddenInput)
    rule = django_filters.ModelChoiceFilter(
        queryset=Rule.objects.all(),
        field_name="rule",
        to_field_name="code",
        label="规则",
        empty_label="全部规则",
        widget=forms.Select(attrs=SM),
    )
    department = django_filters.ModelChoiceFilter(
        queryset=Department.objects.all(),
        to_field_name="code",
        label="责任部门",
        empty_label="全部部门",
        widget=forms.Select(attrs=SM),
    )
    region = RegionSubtreeFilter(field_name="region")
    due_after = django_filters.DateFilter(
        field_name="due",
        lookup_expr="gte",
        label="到期日自",
        widget=IsoDateInput(attrs=IN),
    )
    due_before = django_filters.DateFilter(
        field_name="due",
        lookup_expr="lte",
        label="到期日至",
        widget=IsoDateInput(attrs=IN),
    )
    provisional = django_filters.BooleanFilter(label="暂定")
    # The dashboard's links (issue 16): overdue and met-in-time as the engine decides them.
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="已逾期", widget=forms.HiddenInput)
    outcome = django_filters.ChoiceFilter(
        choices=[("in_time", "按时完成"), ("decided", "已到期或已完成")],
        method="filter_outcome",
        label="办理结果",
        widget=forms.HiddenInput,
    )

    class Meta:
        model = Deadline
        fields = ["state", "rule", "department", "region", "due_after", "due_before", "provisional"]

    def filter_live(self, qs: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return qs
        live = ["open", "overdue"]
        return qs.filter(state__in=live) if value else qs.exclude(state__in=live)

    def filter_overdue(self, qs: QuerySet, name: str, value: bool | None) -> QuerySet:
        """Overdue by the clock itself: marked by the sweep, or open with its due date passed."""
        if value is None:
            return qs
        q = overdue_q()
        return qs.filter(q) if value else qs.exclude(q)

    def filter_outcome(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        """``in_time``: met on or before due; ``decided``: met, or overdue (the rate's base)."""
        if value == "in_time":
            return qs.filter(in_time_q())
        if value == "decided":
            return qs.filter(Q(state=DeadlineState.MET) | overdue_q())
        return qs


def overdue_q() -> Q:
    today = timezone.localdate()
    return Q(state=DeadlineState.OVERDUE) | Q(state=DeadlineState.OPEN, due__lt=today)


def in_time_q() -> Q:
    return Q(state=DeadlineState.MET, met_at__date__lte=F("due"))


class RuleFilter(BoundedFilterSet):
    class Meta:
        model = Rule
        fields = ["unit", "active"]
