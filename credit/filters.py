"""One FilterSet per list, shared by the staff pages and the API."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from supervision.core.filters import BoundedFilterSet, RegionSubtreeFilter
from supervision.core.widgets import IsoDateInput

from .models import (
    CreditGrade,
    CreditRecord,
    Grade,
    Ground,
    ListingProposal,
    ListType,
    ProposalState,
    RecordKind,
    RiskClass,
)


class CreditRecordFilter(BoundedFilterSet):
    credit_code = django_filters.CharFilter(label=_("统一社会信用代码"), lookup_expr="iexact")
    institution = django_filters.CharFilter(
        label=_("机构名称"), field_name="institution__name", lookup_expr="icontains"
    )
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=RecordKind.choices)
    effective_after = django_filters.DateFilter(
        label=_("生效日期起"), field_name="effective_on", lookup_expr="gte", widget=IsoDateInput
    )

    class Meta:
        model = CreditRecord
        fields = ["credit_code", "institution", "kind", "effective_after"]


class CreditGradeFilter(BoundedFilterSet):
    credit_code = django_filters.CharFilter(label=_("统一社会信用代码"), lookup_expr="iexact")
    institution = django_filters.CharFilter(
        label=_("机构名称"), field_name="institution__name", lookup_expr="icontains"
    )
    grade = django_filters.ChoiceFilter(label=_("信用等级"), choices=Grade.choices)
    risk_class = django_filters.ChoiceFilter(label=_("风险等级"), choices=RiskClass.choices)
    # The dashboard's links (issue 16): the region subtree.
    region = RegionSubtreeFilter(field_name="region")

    class Meta:
        model = CreditGrade
        fields = ["credit_code", "institution", "grade", "risk_class"]


class ListingProposalFilter(BoundedFilterSet):
    list_type = django_filters.ChoiceFilter(label=_("名单类型"), choices=ListType.choices)
    state = django_filters.ChoiceFilter(label=_("状态"), choices=ProposalState.choices)
    ground = django_filters.ChoiceFilter(label=_("列入事由"), choices=Ground.choices)
    credit_code = django_filters.CharFilter(label=_("统一社会信用代码"), lookup_expr="iexact")
    institution = django_filters.CharFilter(
        label=_("机构名称"), field_name="institution__name", lookup_expr="icontains"
    )

    class Meta:
        model = ListingProposal
        fields = ["list_type", "state", "ground", "credit_code", "institution"]
