"""FilterSets shared by the staff lists and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from institutions.models import Institution
from supervision.core.filters import BoundedFilterSet, RegionSubtreeFilter
from supervision.core.models import Department, Domain
from supervision.core.widgets import IsoDateInput

from .models import (
    Draw,
    Finding,
    FindingStatus,
    Inspection,
    InspectionItem,
    InspectionKind,
    InspectionPlan,
    InspectionStatus,
    Inspector,
    Severity,
)
from .querysets import RectificationProgress


class StyledFilterSet(BoundedFilterSet):
    """Bootstrap classes on the filter form's widgets."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            widget = field.widget
            css = (
                "form-select form-select-sm"
                if isinstance(widget, forms.Select)
                else "form-control form-control-sm"
            )
            if not isinstance(widget, forms.HiddenInput):
                widget.attrs.setdefault("class", css)


class ItemFilter(StyledFilterSet):
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", label=_("检查事项"))
    domain = django_filters.ModelChoiceFilter(queryset=Domain.objects.all(), label=_("领域"))
    is_key = django_filters.BooleanFilter(label=_("重点检查事项"))

    class Meta:
        model = InspectionItem
        fields = ["q", "domain", "is_key", "active"]


CERTIFICATE_WARNING_DAYS = 30


class InspectorFilter(StyledFilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("姓名"))
    department = django_filters.ModelChoiceFilter(queryset=Department.objects.all(), label=_("部门"))
    certificate = django_filters.ChoiceFilter(
        choices=[
            ("valid", _("执法证有效")),
            ("expiring", _("执法证 30 日内到期")),
            ("expired", _("执法证已过期")),
        ],
        method="filter_certificate",
        label=_("执法证状态"),
    )

    class Meta:
        model = Inspector
        fields = ["q", "department", "active", "certificate"]

    def filter_certificate(self, queryset, name, value):
        import datetime as dt

        from django.utils import timezone

        today = timezone.localdate()
        soon = today + dt.timedelta(days=CERTIFICATE_WARNING_DAYS)
        if value == "valid":
            return queryset.filter(certificate_expires__gte=today)
        if value == "expiring":
            return queryset.filter(certificate_expires__gte=today, certificate_expires__lte=soon)
        if value == "expired":
            return queryset.filter(certificate_expires__lt=today)
        return queryset


class PlanFilter(StyledFilterSet):
    class Meta:
        model = InspectionPlan
        fields = ["year", "department"]


class DrawFilter(StyledFilterSet):
    plan = django_filters.NumberFilter(field_name="plan_id")

    class Meta:
        model = Draw
        fields = ["plan", "status"]


class InspectionFilter(StyledFilterSet):
    q = django_filters.CharFilter(
        field_name="institution__name", lookup_expr="icontains", label=_("机构名称")
    )
    kind = django_filters.ChoiceFilter(choices=InspectionKind.choices, label=_("检查类型"))
    status = django_filters.ChoiceFilter(choices=InspectionStatus.choices, label=_("状态"))
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("只看我的检查"))
    year = django_filters.NumberFilter(field_name="inspected_on__year", label=_("检查年度"))
    # Id filters for the API and links: hidden, so that the form never lists every row.
    draw = django_filters.NumberFilter(field_name="draw_id", widget=forms.HiddenInput)
    institution = django_filters.NumberFilter(field_name="institution_id", widget=forms.HiddenInput)

    class Meta:
        model = Inspection
        fields = ["q", "kind", "status", "mine", "year", "draw", "institution"]

    def filter_mine(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(team__user=self.request.user).distinct()


class FindingFilter(StyledFilterSet):
    q = django_filters.CharFilter(
        field_name="institution__name", lookup_expr="icontains", label=_("机构名称")
    )
    domain = django_filters.ModelChoiceFilter(queryset=Domain.objects.all(), label=_("领域"))
    severity = django_filters.ChoiceFilter(choices=Severity.choices, label=_("隐患等级"))
    status = django_filters.ChoiceFilter(choices=FindingStatus.choices, label=_("状态"))
    supervising_department = django_filters.ModelChoiceFilter(
        queryset=Department.objects.all(), label=_("监管部门")
    )
    # Read from the referral, the notice item and its clock (``FindingQuerySet.with_progress``).
    needs_referral = django_filters.BooleanFilter(method="filter_needs_referral", label=_("需抄告"))
    rectification = django_filters.ChoiceFilter(
        choices=RectificationProgress.choices, method="filter_rectification", label=_("整改进度")
    )
    listed_supervision = django_filters.BooleanFilter(label=_("挂牌督办"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("已逾期"))
    institution = django_filters.NumberFilter(field_name="institution_id", widget=forms.HiddenInput)
    inspection = django_filters.NumberFilter(field_name="inspection_id", widget=forms.HiddenInput)
    # The dashboard's links (issue 16): the region subtree and the period found.
    region = RegionSubtreeFilter(field_name="institution__region")
    found_after = django_filters.DateFilter(
        field_name="found_on", lookup_expr="gte", label=_("发现日期起"), widget=IsoDateInput
    )
    found_before = django_filters.DateFilter(
        field_name="found_on", lookup_expr="lte", label=_("发现日期止"), widget=IsoDateInput
    )

    class Meta:
        model = Finding
        fields = [
            "q",
            "domain",
            "severity",
            "status",
            "supervising_department",
            "needs_referral",
            "rectification",
            "listed_supervision",
            "institution",
            "inspection",
        ]

    def filter_needs_referral(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.with_progress().filter(awaiting_referral=value)

    def filter_rectification(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.with_progress().filter(rectification_progress=value)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.with_progress().filter(rectification_overdue=value)


def _period_or_none(value: str) -> tuple[Any, Any] | None:
    from supervision.indicators import Period

    try:
        period = Period.parse(value)
    except (ValueError, TypeError):
        return None
    return period.start, period.end


class ObjectFilter(StyledFilterSet):
    """检查对象名录库 by region and by on-site coverage over a period (``2026``, ``2026H2`` …):
    the dashboard's coverage figures link here (issue 16)."""

    region = RegionSubtreeFilter(field_name="region")
    covered = django_filters.CharFilter(
        method="filter_covered", label=_("已检查期间"), widget=forms.HiddenInput
    )
    uncovered = django_filters.CharFilter(
        method="filter_covered", label=_("未检查期间"), widget=forms.HiddenInput
    )

    class Meta:
        model = Institution
        fields = ["region"]

    def filter_covered(self, qs: Any, name: str, value: str) -> Any:
        bounds = _period_or_none(value)
        if bounds is None:
            return qs.none()
        done = Inspection.objects.done().filter(
            institution=OuterRef("pk"), inspected_on__gte=bounds[0], inspected_on__lte=bounds[1]
        )
        # A correlated EXISTS (the inspection index per institution): the same rows as
        # ``pk IN (…)``, and as a count's FILTER it does not hash every inspection of the period.
        inspected = Exists(done)
        return qs.filter(inspected) if name == "covered" else qs.exclude(inspected)
