"""One FilterSet per list, shared by the staff page and the API."""

from __future__ import annotations

import django_filters
from django.db.models import F, Q, QuerySet

from funds.models import FlagStatus, FundFlag
from supervision.core.filters import BoundedFilterSet, RegionSubtreeFilter
from supervision.core.widgets import IsoDateInput

from .models import AccountStatus, EscrowAccount, FeeEntry, FeeKind


class EscrowAccountFilter(BoundedFilterSet):
    q = django_filters.CharFilter(label="机构名称/信用代码/银行", method="search")
    region = RegionSubtreeFilter(field_name="institution__region")
    status = django_filters.ChoiceFilter(label="状态", choices=AccountStatus.choices, empty_label="全部状态")

    class Meta:
        model = EscrowAccount
        fields = ["q", "region", "status"]

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return qs.filter(
            Q(institution__name__icontains=value)
            | Q(institution__credit_code__iexact=value)
            | Q(bank_name__icontains=value)
        )


class FeeEntryFilter(BoundedFilterSet):
    q = django_filters.CharFilter(label="机构名称/老人姓名", method="search")
    region = RegionSubtreeFilter(field_name="institution__region")
    kind = django_filters.ChoiceFilter(label="类别", choices=FeeKind.choices, empty_label="全部类别")
    outstanding = django_filters.BooleanFilter(label="尚未退清", method="filter_outstanding")
    received_from = django_filters.DateFilter(
        field_name="received_on", lookup_expr="gte", label="收取日期起", widget=IsoDateInput
    )
    received_to = django_filters.DateFilter(
        field_name="received_on", lookup_expr="lte", label="收取日期止", widget=IsoDateInput
    )

    class Meta:
        model = FeeEntry
        fields = ["q", "region", "kind", "outstanding", "received_from", "received_to"]

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return qs.filter(Q(institution__name__icontains=value) | Q(resident_name__icontains=value))

    def filter_outstanding(self, qs: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return qs
        q = Q(refunded_amount__lt=F("amount"))
        return qs.filter(q) if value else qs.exclude(q)


def _deposit_rule_choices() -> list[tuple[str, str]]:
    from funds.services.flags import flag_rule_label

    from .views import DEPOSIT_RULES

    return [(code, flag_rule_label(code)) for code in DEPOSIT_RULES]


class DepositFlagFilter(BoundedFilterSet):
    """The deposit checks' flags (``funds.FundFlag`` rows of the deposit rules)."""

    q = django_filters.CharFilter(label="机构名称", field_name="institution__name", lookup_expr="icontains")
    region = RegionSubtreeFilter(field_name="region")
    rule = django_filters.ChoiceFilter(
        label="疑点类型", choices=_deposit_rule_choices, empty_label="全部类型"
    )
    status = django_filters.ChoiceFilter(label="状态", choices=FlagStatus.choices, empty_label="全部状态")

    class Meta:
        model = FundFlag
        fields = ["q", "region", "rule", "status"]
