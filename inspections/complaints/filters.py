from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet

from supervision.core.filters import BoundedFilterSet, RegionSubtreeFilter
from supervision.core.models import Department, Domain

from .models import Channel, Complaint, State


class ComplaintFilter(BoundedFilterSet):
    """One filter set for the staff inbox and the API."""

    q = django_filters.CharFilter(label="查询码/机构/工单号", method="search")
    state = django_filters.ChoiceFilter(label="状态", choices=State.choices, empty_label="全部状态")
    channel = django_filters.ChoiceFilter(label="渠道", choices=Channel.choices, empty_label="全部渠道")
    domain = django_filters.ModelChoiceFilter(
        label="领域", queryset=Domain.objects.all(), empty_label="全部领域"
    )
    handling_department = django_filters.ModelChoiceFilter(
        label="承办部门", queryset=Department.objects.all(), empty_label="全部部门"
    )
    overdue = django_filters.BooleanFilter(label="超期未答复", method="filter_overdue")
    # The dashboard's links (issue 16): the region subtree.
    region = RegionSubtreeFilter(field_name="region")

    class Meta:
        model = Complaint
        fields = ["q", "state", "channel", "domain", "handling_department"]

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return qs.filter(
            Q(tracking_code__iexact=value)
            | Q(hotline_number=value)
            | Q(institution_name__icontains=value)
            | Q(institution__name__icontains=value)
        )

    def filter_overdue(self, qs: QuerySet, name: str, value: bool | None) -> QuerySet:
        from django.utils import timezone

        if value is None:
            return qs
        q = Q(
            state__in=[State.ASSIGNED, State.IN_PROGRESS, State.RECEIVED],
            feedback_due__lt=timezone.localdate(),
        )
        return qs.filter(q) if value else qs.exclude(q)
