"""FilterSets shared by the funds staff lists and the API."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from supervision.core.filters import BoundedFilterSet, RegionSubtreeFilter

from .models import (
    ClaimStatus,
    FlagOutcome,
    FlagStatus,
    FundFlag,
    ProgrammeKind,
    RecoveryOrder,
    RecoveryStatus,
    RoundStatus,
    SpotCheckRound,
    SubsidyClaim,
    SubsidyProgramme,
)
from .services.flags import flag_rule_choices


class _Styled(BoundedFilterSet):
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


class ProgrammeFilter(_Styled):
    q = django_filters.CharFilter(method="search", label=_("项目名称/依据"))
    kind = django_filters.ChoiceFilter(choices=ProgrammeKind.choices, label=_("补贴类别"))
    active = django_filters.BooleanFilter(label=_("有效"))

    class Meta:
        model = SubsidyProgramme
        fields = ["q", "kind", "active"]

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(Q(name__icontains=value) | Q(source_document__icontains=value))


class ClaimFilter(_Styled):
    q = django_filters.CharFilter(method="search", label=_("机构/申报编号"))
    status = django_filters.ChoiceFilter(choices=ClaimStatus.choices, label=_("状态"))
    programme__kind = django_filters.ChoiceFilter(choices=ProgrammeKind.choices, label=_("补贴类别"))
    flagged = django_filters.BooleanFilter(method="by_flagged", label=_("有未办结疑点"))

    class Meta:
        model = SubsidyClaim
        fields = ["q", "status", "programme__kind", "flagged"]

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(
            Q(institution__name__icontains=value)
            | Q(number__icontains=value)
            | Q(institution__credit_code=value)
        )

    def by_flagged(self, qs: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return qs
        open_flags = FundFlag.objects.exclude(status=FlagStatus.CLOSED).values("claim_id")
        return qs.filter(pk__in=open_flags) if value else qs.exclude(pk__in=open_flags)


class FlagFilter(_Styled):
    q = django_filters.CharFilter(method="search", label=_("机构/疑点说明"))
    status = django_filters.ChoiceFilter(choices=FlagStatus.choices, label=_("状态"))
    rule = django_filters.ChoiceFilter(choices=flag_rule_choices, label=_("规则"))
    outcome = django_filters.ChoiceFilter(choices=FlagOutcome.choices, label=_("复核结论"))
    # The dashboard's links (issue 16): the region subtree.
    region = RegionSubtreeFilter(field_name="region")

    class Meta:
        model = FundFlag
        fields = ["q", "status", "rule", "outcome"]

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(Q(institution__name__icontains=value) | Q(reason__icontains=value))


class RoundFilter(_Styled):
    year = django_filters.NumberFilter(label=_("年度"))
    quarter = django_filters.ChoiceFilter(choices=[(q, f"第{q}季度") for q in (1, 2, 3, 4)], label=_("季度"))
    status = django_filters.ChoiceFilter(choices=RoundStatus.choices, label=_("状态"))

    class Meta:
        model = SpotCheckRound
        fields = ["year", "quarter", "status"]


class RecoveryFilter(_Styled):
    q = django_filters.CharFilter(method="search", label=_("机构/申报编号"))
    status = django_filters.ChoiceFilter(choices=RecoveryStatus.choices, label=_("状态"))

    class Meta:
        model = RecoveryOrder
        fields = ["q", "status"]

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(Q(institution__name__icontains=value) | Q(claim__number__icontains=value))
