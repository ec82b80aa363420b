"""The audit page's FilterSet: user, department, object, action, time and IP."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from supervision.core.filters import BoundedFilterSet
from supervision.core.widgets import IsoDateInput

from .models import Action, ChainLink


class IPFilter(django_filters.CharFilter):
    field_class = forms.GenericIPAddressField


class AuditFilter(BoundedFilterSet):
    user = django_filters.CharFilter(field_name="username", lookup_expr="icontains", label=_("用户"))
    department = django_filters.CharFilter(field_name="department", lookup_expr="icontains", label=_("部门"))
    object = django_filters.CharFilter(
        field_name="object_text", lookup_expr="icontains", label=_("对象/详情")
    )
    action = django_filters.ChoiceFilter(choices=Action.choices, label=_("操作"), empty_label=_("全部"))
    since = django_filters.DateFilter(
        field_name="at", lookup_expr="date__gte", widget=IsoDateInput, label=_("起始日期")
    )
    until = django_filters.DateFilter(
        field_name="at", lookup_expr="date__lte", widget=IsoDateInput, label=_("截止日期")
    )
    ip = IPFilter(field_name="ip_address", label=_("IP 地址"))
    request_id = django_filters.CharFilter(field_name="request_id", label=_("请求编号"))

    class Meta:
        model = ChainLink
        fields: list[str] = []
