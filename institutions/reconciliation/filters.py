"""One FilterSet per list, shared by the HTML lists and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from supervision.core.filters import BoundedFilterSet, RegionSubtreeFilter

from .models import (
    Classification,
    ListCoverage,
    ReconciliationRow,
    ReconciliationRun,
    ReviewState,
    RunStatus,
    VerifyResult,
    WorkAction,
    WorkItem,
)


class RunFilter(BoundedFilterSet):
    status = django_filters.ChoiceFilter(choices=RunStatus.choices, label=_("状态"))
    coverage = django_filters.ChoiceFilter(choices=ListCoverage.choices, label=_("名单范围"))

    class Meta:
        model = ReconciliationRun
        fields = ["status", "source", "coverage"]


class RowFilter(BoundedFilterSet):
    q = django_filters.CharFilter(method="search", label=_("名称或信用代码"))
    classification = django_filters.ChoiceFilter(choices=Classification.choices, label=_("分类"))
    review = django_filters.ChoiceFilter(choices=ReviewState.choices[1:], label=_("复核"))
    region_derived = django_filters.BooleanFilter(label=_("乡镇由地址推断"))

    class Meta:
        model = ReconciliationRow
        fields = ["q", "classification", "review", "region_derived"]

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return qs.filter(Q(name__icontains=value) | Q(credit_code__icontains=value.upper())) if value else qs


class WorkItemFilter(BoundedFilterSet):
    q = django_filters.CharFilter(method="search", label=_("名称或信用代码"))
    region = RegionSubtreeFilter(field_name="region")
    action = django_filters.ChoiceFilter(choices=WorkAction.choices, label=_("待办事项"))
    result = django_filters.ChoiceFilter(choices=VerifyResult.choices, label=_("核实结果"))
    done = django_filters.BooleanFilter(method="is_done", label=_("已核实"))
    run = django_filters.NumberFilter(field_name="run_id", label=_("比对批次"))

    class Meta:
        model = WorkItem
        fields = ["q", "region", "action", "result", "done", "run"]

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return qs.filter(Q(name__icontains=value) | Q(credit_code__icontains=value.upper())) if value else qs

    def is_done(self, qs: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return qs
        return qs.exclude(result="") if value else qs.filter(result="")
