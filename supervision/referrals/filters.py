"""One FilterSet for referral lists, shared by the inbox, the outbox and the API."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from supervision.core.filters import BoundedFilterSet
from supervision.core.models import Department, Domain
from supervision.core.widgets import IsoDateInput

from .models import Referral, ReferralState

SM = {"class": "form-select form-select-sm"}
IN = {"class": "form-control form-control-sm"}


class ReferralFilter(BoundedFilterSet):
    """Referrals by state, domain, sending/receiving department, text, sending date, overdue."""

    state = django_filters.ChoiceFilter(
        choices=ReferralState.choices, label="状态", empty_label="全部状态", widget=forms.Select(attrs=SM)
    )
    domain = django_filters.ModelChoiceFilter(
        queryset=Domain.objects.all(),
        to_field_name="code",
        label="领域",
        empty_label="全部领域",
        widget=forms.Select(attrs=SM),
    )
    from_department = django_filters.ModelChoiceFilter(
        queryset=Department.objects.all(),
        to_field_name="code",
        label="抄告部门",
        empty_label="全部抄告部门",
        widget=forms.Select(attrs=SM),
    )
    to_department = django_filters.ModelChoiceFilter(
        queryset=Department.objects.all(),
        to_field_name="code",
        label="接收部门",
        empty_label="全部接收部门",
        widget=forms.Select(attrs=SM),
    )
    q = django_filters.CharFilter(
        method="filter_q",
        label="关键词",
        widget=forms.TextInput(attrs={**IN, "placeholder": "文号/事由/机构/信用代码"}),
    )
    sent_after = django_filters.DateFilter(
        field_name="sent_on",
        lookup_expr="gte",
        label="发出日期自",
        widget=IsoDateInput(attrs=IN),
    )
    sent_before = django_filters.DateFilter(
        field_name="sent_on",
        lookup_expr="lte",
        label="发出日期至",
        widget=IsoDateInput(attrs=IN),
    )
    overdue = django_filters.BooleanFilter(
        method="filter_overdue",
        label="逾期",
        widget=forms.Select(
            attrs=SM, choices=[("", "逾期与否"), ("true", "反馈已逾期"), ("false", "未逾期")]
        ),
    )

    class Meta:
        model = Referral
        fields = ["state", "domain", "from_department", "to_department"]

    def filter_q(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = (value or "").strip()
        if not value:
            return qs
        return qs.filter(
            Q(number__icontains=value)
            | Q(title__icontains=value)
            | Q(institution_name__icontains=value)
            | Q(credit_code__iexact=value)
        )

    def filter_overdue(self, qs: QuerySet, name: str, value: bool | None) -> QuerySet:
        """Overdue = the receiver's live response clock is past due (works on any queryset)."""
        if value is None:
            return qs
        from django.contrib.contenttypes.models import ContentType

        from supervision.deadlines.models import LIVE_STATES, Deadline

        late = Deadline.objects.filter(
            content_type=ContentType.objects.get_for_model(Referral, for_concrete_model=False),
            rule__code="referral.response",
            state__in=LIVE_STATES,
            due__lt=timezone.localdate(),
        ).values("object_id")
        return qs.filter(pk__in=late) if value else qs.exclude(pk__in=late)
