"""One FilterSet for the risk list page and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet

from supervision.core.filters import BoundedFilterSet, RegionSubtreeFilter

from .models import RiskItem, RiskKind, RiskLevel, RiskSource, RiskState


class RiskItemFilter(BoundedFilterSet):
    q = django_filters.CharFilter(label="机构或经营者名称", method="search")
    region = RegionSubtreeFilter(field_name="region")
    kind = django_filters.ChoiceFilter(label="风险类型", choices=RiskKind.choices, empty_label="全部类型")
    level = django_filters.ChoiceFilter(label="风险等级", choices=RiskLevel.choices, empty_label="全部等级")
    source = django_filters.ChoiceFilter(label="线索来源", choices=RiskSource.choices, empty_label="全部来源")
    state = django_filters.ChoiceFilter(label="状态", choices=RiskState.choices, empty_label="全部状态")

    class Meta:
        model = RiskItem
        fields = ["q", "region", "kind", "level", "source", "state"]

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return qs.filter(Q(institution_name__icontains=value) | Q(institution__credit_code__iexact=value))
