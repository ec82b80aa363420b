"""One FilterSet per list, shared by the HTML list and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from supervision.core.filters import BoundedFilterSet, RegionSubtreeFilter
from supervision.core.models import LEVEL_PREFIX, Region
from supervision.core.widgets import IsoDateInput

from .models import (
    Filing,
    FilingKind,
    GradeLevel,
    Institution,
    InstitutionKind,
    InstitutionNature,
    InstitutionStatus,
    Staff,
    StaffRole,
)


def region_subtree(qs: QuerySet, field: str, code: str) -> QuerySet:
    """Rows whose region lies in the subtree of the region with ``code``."""
    region = Region.objects.filter(code=code).first()
    if region is None:
        return qs.none()
    return qs.filter(**{f"{field}__code__startswith": region.code[: LEVEL_PREFIX[region.level]]})


class InstitutionFilter(BoundedFilterSet):
    q = django_filters.CharFilter(method="search", label=_("名称或信用代码"))
    region = RegionSubtreeFilter(field_name="region")
    kind = django_filters.ChoiceFilter(choices=InstitutionKind.choices, label=_("机构类型"))
    nature = django_filters.ChoiceFilter(choices=InstitutionNature.choices, label=_("机构性质"))
    status = django_filters.ChoiceFilter(choices=InstitutionStatus.choices, label=_("状态"))
    grade = django_filters.ChoiceFilter(choices=GradeLevel.choices, method="with_grade", label=_("等级"))
    name_nonstandard = django_filters.BooleanFilter(label=_("备案名称不规范"))
    awaiting_check = django_filters.BooleanFilter(method="with_awaiting_check", label=_("备案待现场核查"))

    class Meta:
        model = Institution
        fields = ["q", "region", "kind", "nature", "status", "grade", "name_nonstandard", "awaiting_check"]

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(Q(name__icontains=value) | Q(credit_code__icontains=value.upper()))

    def with_grade(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        # ``current_grade`` is annotated by querysets.with_current_grade
        return qs.filter(current_grade=int(value)) if value else qs

    def with_awaiting_check(self, qs: QuerySet, name: str, value: bool | None) -> QuerySet:
        """Institutions whose "on-site check within 20 working days of filing" clock is live."""
        if value is None:
            return qs
        from .querysets import awaiting_filing_check

        flagged = Exists(awaiting_filing_check(OuterRef("pk")))
        return qs.filter(flagged) if value else qs.exclude(flagged)


class FilingFilter(BoundedFilterSet):
    institution = django_filters.CharFilter(field_name="institution__credit_code", label=_("信用代码"))
    kind = django_filters.ChoiceFilter(choices=FilingKind.choices, label=_("备案类型"))
    region = RegionSubtreeFilter(field_name="institution__region")
    submitted_after = django_filters.DateFilter(
        field_name="submitted_on", lookup_expr="gte", widget=IsoDateInput, label=_("提交日期起")
    )
    submitted_before = django_filters.DateFilter(
        field_name="submitted_on", lookup_expr="lte", widget=IsoDateInput, label=_("提交日期止")
    )

    class Meta:
        model = Filing
        fields = ["institution", "kind", "region", "submitted_after", "submitted_before"]


class StaffFilter(BoundedFilterSet):
    institution = django_filters.CharFilter(field_name="institution__credit_code", label=_("信用代码"))
    role = django_filters.ChoiceFilter(choices=StaffRole.choices, label=_("岗位"))
    active = django_filters.BooleanFilter(field_name="left_on", lookup_expr="isnull", label=_("在职"))
    region = RegionSubtreeFilter(field_name="institution__region")

    class Meta:
        model = Staff
        fields = ["institution", "role", "active", "region"]
