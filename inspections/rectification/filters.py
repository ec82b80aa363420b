"""FilterSets shared by the staff lists and the API."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inspections.filters import StyledFilterSet
from supervision.core.filters import RegionSubtreeFilter
from supervision.core.models import Department
from supervision.core.widgets import IsoDateInput

from .models import (
    OPEN_ITEM_STATES,
    AppealStatus,
    ItemState,
    ListedSupervision,
    ListingStatus,
    NoticeItem,
    NoticeStatus,
    OrderStatus,
    Penalty,
    PenaltyKind,
    RectificationNotice,
    SuspensionOrder,
)

OPENNESS = (("open", _("未完成")), ("overdue", _("已逾期")), ("done", _("验收通过")))


class NoticeFilter(StyledFilterSet):
    q = django_filters.CharFilter(method="search", label=_("机构/文号"))
    status = django_filters.ChoiceFilter(choices=NoticeStatus.choices, label=_("状态"))
    issuing_department = django_filters.ModelChoiceFilter(
        queryset=Department.objects.all(), label=_("下达部门")
    )

    class Meta:
        model = RectificationNotice
        fields = ["q", "status", "issuing_department"]

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(Q(institution__name__icontains=value) | Q(number__icontains=value))


class ItemFilter(StyledFilterSet):
    q = django_filters.CharFilter(method="search", label=_("机构/文号/问题"))
    progress = django_filters.ChoiceFilter(choices=OPENNESS, method="by_progress", label=_("进度"))
    state = django_filters.ChoiceFilter(choices=ItemState.choices, label=_("状态"))
    mine = django_filters.BooleanFilter(method="by_mine", label=_("仅本部门下达"))
    # The dashboard's links (issue 16): the region subtree.
    region = RegionSubtreeFilter(field_name="notice__institution__region")

    class Meta:
        model = NoticeItem
        fields = ["q", "progress", "state", "mine"]

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(
            Q(notice__institution__name__icontains=value)
            | Q(notice__number__icontains=value)
            | Q(problem__icontains=value)
        )

    def by_progress(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        if value == "open":
            return qs.filter(state__in=OPEN_ITEM_STATES)
        if value == "overdue":  # decided by the item's clock, as everywhere (NoticeItemQuerySet.overdue)
            return qs.overdue(timezone.localdate())  # type: ignore[attr-defined]
        if value == "done":
            return qs.filter(state=ItemState.ACCEPTED)
        return qs

    def by_mine(self, qs: QuerySet, name: str, value: bool) -> QuerySet:
        user = getattr(self.request, "user", None)
        if not value or user is None or not user.is_authenticated:
            return qs
        return qs.filter(
            notice__issuing_department_id__in=[a.department_id for a in user.active_assignments()]
        )


class SuspensionFilter(StyledFilterSet):
    status = django_filters.ChoiceFilter(choices=OrderStatus.choices, label=_("状态"))

    class Meta:
        model = SuspensionOrder
        fields = ["status"]


class ListingFilter(StyledFilterSet):
    q = django_filters.CharFilter(
        field_name="finding__institution__name", lookup_expr="icontains", label=_("机构")
    )
    status = django_filters.ChoiceFilter(choices=ListingStatus.choices, label=_("状态"))

    class Meta:
        model = ListedSupervision
        fields = ["q", "status"]


class PenaltyFilter(StyledFilterSet):
    q = django_filters.CharFilter(method="search", label=_("机构/文号"))
    kind = django_filters.ChoiceFilter(choices=PenaltyKind.choices, label=_("处罚种类"))
    appeal_status = django_filters.ChoiceFilter(choices=AppealStatus.choices, label=_("复议诉讼状态"))
    decided_after = django_filters.DateFilter(
        field_name="decided_on", lookup_expr="gte", label=_("决定日期起"), widget=IsoDateInput
    )
    decided_before = django_filters.DateFilter(
        field_name="decided_on", lookup_expr="lte", label=_("决定日期止"), widget=IsoDateInput
    )
    publication = django_filters.ChoiceFilter(
        method="filter_publication",
        label=_("公示"),
        choices=[("current", _("公示中")), ("ended", _("公示期满或已撤销"))],
    )
    # The dashboard's links (issue 16): the region subtree.
    region = RegionSubtreeFilter(field_name="institution__region")

    class Meta:
        model = Penalty
        fields = ["q", "kind", "appeal_status", "decided_after", "decided_before", "publication"]

    def filter_publication(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        """The same rule as the public pages (``Penalty.is_public``), as a query."""
        current = Q(published_on__isnull=False, published_until__gte=timezone.localdate()) & ~Q(
            appeal_status=AppealStatus.REVOKED
        )
        if value == "current":
            return qs.filter(current)
        if value == "ended":
            return qs.exclude(current)
        return qs

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(Q(institution__name__icontains=value) | Q(decision_number__icontains=value))
