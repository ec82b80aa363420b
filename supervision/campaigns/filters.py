"""One FilterSet per list, shared by the staff pages and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet

from supervision.core.filters import BoundedFilterSet, RegionSubtreeFilter
from supervision.core.models import Department

from .models import (
    AssignmentRole,
    AssignmentState,
    Campaign,
    CampaignKind,
    CampaignState,
    CampaignTask,
    TaskAssignment,
)
from .roster import LiaisonOfficer, TrainingQuota


class CampaignFilter(BoundedFilterSet):
    q = django_filters.CharFilter(label="名称或文号", method="search")
    region = RegionSubtreeFilter(field_name="region")
    kind = django_filters.ChoiceFilter(label="类型", choices=CampaignKind.choices, empty_label="全部类型")
    state = django_filters.ChoiceFilter(label="状态", choices=CampaignState.choices, empty_label="全部状态")
    year = django_filters.NumberFilter(label="年度", field_name="starts_on", lookup_expr="year")

    class Meta:
        model = Campaign
        fields = ["q", "region", "kind", "state", "year"]

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return qs.filter(Q(title__icontains=value) | Q(document_number__icontains=value))


class TaskFilter(BoundedFilterSet):
    q = django_filters.CharFilter(label="任务", method="search")
    campaign = django_filters.NumberFilter(label="专项行动", field_name="campaign_id")
    lead_department = django_filters.ModelChoiceFilter(
        label="牵头部门", queryset=Department.objects.all(), empty_label="全部部门"
    )
    department = django_filters.ModelChoiceFilter(
        label="承办部门", queryset=Department.objects.all(), method="assigned_to", empty_label="全部部门"
    )
    state = django_filters.ChoiceFilter(
        label="承办状态", choices=AssignmentState.choices, method="with_state", empty_label="全部状态"
    )
    role = django_filters.ChoiceFilter(
        label="分工", choices=AssignmentRole.choices, method="with_role", empty_label="全部分工"
    )

    class Meta:
        model = CampaignTask
        fields = ["q", "campaign", "lead_department", "department", "state", "role"]

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return qs.filter(Q(title__icontains=value) | Q(content__icontains=value))

    def assigned_to(self, qs: QuerySet, name: str, value: Department) -> QuerySet:
        return qs.filter(pk__in=TaskAssignment.objects.filter(department=value).values("task_id"))

    def with_state(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(pk__in=TaskAssignment.objects.filter(state=value).values("task_id"))

    def with_role(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(pk__in=TaskAssignment.objects.filter(role=value).values("task_id"))


class LiaisonFilter(BoundedFilterSet):
    q = django_filters.CharFilter(label="姓名或职务", method="search")
    region = RegionSubtreeFilter(field_name="region")
    department = django_filters.ModelChoiceFilter(
        label="部门", queryset=Department.objects.all(), empty_label="全部部门"
    )
    campaign = django_filters.NumberFilter(label="专项行动", field_name="campaign_id")

    class Meta:
        model = LiaisonOfficer
        fields = ["q", "region", "department", "campaign"]

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return qs.filter(Q(name__icontains=value) | Q(post__icontains=value))


class QuotaFilter(BoundedFilterSet):
    region = RegionSubtreeFilter(field_name="region")
    programme = django_filters.CharFilter(label="培训任务", lookup_expr="icontains")

    class Meta:
        model = TrainingQuota
        fields = ["region", "programme"]
