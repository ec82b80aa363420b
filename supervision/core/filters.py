"""FilterSets of the ground floor, and the bounds every FilterSet of the portal carries.

Bad query input must answer 400 with a Chinese message, never reach the database and crash it
(``?year=-1`` makes Django compute ``date(-1, 1, 1)``; an id of 10^22 overflows SQLite's
INTEGER). ``harden(filterset)`` adds bounds to the filter form's fields, so such a value makes
the FilterSet invalid instead:

- a year (a filter named ``year`` or on a ``__year`` lookup): 1900–2100;
- any other number: the signed 64-bit range (every id and count fits);
- a date or date-time: years 1900–2100;
- a free-text value: at most ``MAX_TEXT_LENGTH`` characters.

It is applied centrally: ``BoundedFilterSet`` hardens itself (apps derive their FilterSets
from it), ``ScopedListView`` hardens whatever FilterSet a list uses and answers 400 when it is
invalid, and ``BoundedFilterBackend`` (the API's filter backend) does the same, then
django-filter raises ``ValidationError`` → 400 in DRF's shape. NUL bytes are refused before any
view by ``middleware.QueryGuardMiddleware``."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _
from django_filters.fields import BaseCSVField
from django_filters.rest_framework import DjangoFilterBackend

from .models import Department, Region, RegionLevel

YEAR_RANGE = (1900, 2100)
INT64 = 2**63 - 1
MAX_TEXT_LENGTH = 200


def _year_in_range(value: Any) -> None:
    year = value.year if isinstance(value, (dt.date, dt.datetime)) else None
    if year is not None and not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        raise ValidationError(
            _("日期须在 %(low)s 年至 %(high)s 年之间。"),
            code="date_range",
            params={"low": YEAR_RANGE[0], "high": YEAR_RANGE[1]},
        )


def _is_year(name: str, flt: Any) -> bool:
    field_name = str(getattr(flt, "field_name", "") or "")
    last = field_name.split("__")[-1] if field_name else name
    return name == "year" or last in ("year", "iso_year")


def _bound_field(field: forms.Field, year: bool) -> None:
    if isinstance(field, BaseCSVField):
        return  # the value is a list; each item is checked by the lookup's own field
    if isinstance(field, forms.MultiValueField):
        for sub in field.fields:  # range filters: each end is an ordinary field
            _bound_field(sub, year)
        return
    if isinstance(field, (forms.DecimalField, forms.IntegerField, forms.FloatField)):
        low, high = YEAR_RANGE if year else (-INT64, INT64)
        message = (
            _("年度须在 %(low)s 至 %(high)s 之间。") % {"low": low, "high": high}
            if year
            else _("数值超出允许范围。")
        )
        field.validators += [
            MinValueValidator(low, message=message),
            MaxValueValidator(high, message=message),
        ]
    elif isinstance(field, (forms.DateField, forms.DateTimeField)):
        field.validators.append(_year_in_range)
    elif isinstance(field, forms.CharField) and not getattr(field, "max_length", None):
        field.validators.append(
            MaxLengthValidator(
                MAX_TEXT_LENGTH,
                message=_("查询内容过长（最多 %(limit_value)d 个字符）。"),
            )
        )


def harden(filterset: Any) -> Any:
    """Add the bounds above to a FilterSet's form (idempotent); returns the FilterSet."""
    if filterset is None or getattr(filterset, "_hardened", False):
        return filterset
    filterset._hardened = True
    form = filterset.form
    for name, field in form.fields.items():
        _bound_field(field, _is_year(name, filterset.filters.get(name)))
    return filterset


def error_messages(filterset: Any) -> list[str]:
    """The FilterSet's errors as Chinese sentences, each naming the filter (its label)."""
    form = filterset.form
    out = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = str(field.label) if field is not None and field.label else name
        out += [f"{label}：{error}" for error in errors]
    return out


class BoundedFilterSet(django_filters.FilterSet):
    """The portal's FilterSet base: its form carries the bounds of ``harden``."""

    @property
    def form(self) -> Any:
        form = super().form
        if not getattr(self, "_hardened", False):
            harden(self)
        return form


class BoundedFilterBackend(DjangoFilterBackend):
    """The API's filter backend: every FilterSet (declared or generated from
    ``filterset_fields``) is hardened, so bad input is a 400 ``ValidationError``."""

    filterset_base = BoundedFilterSet

    def get_filterset(self, request: Any, queryset: Any, view: Any) -> Any:
        return harden(super().get_filterset(request, queryset, view))


class RegionFilter(BoundedFilterSet):
    """Regions by parent, level, code prefix or name."""

    parent = django_filters.CharFilter(field_name="parent__code", label="上级区划代码")
    code_prefix = django_filters.CharFilter(field_name="code", lookup_expr="startswith", label="代码前缀")
    name = django_filters.CharFilter(lookup_expr="icontains", label="名称")

    class Meta:
        model = Region
        fields = ["level", "parent", "code_prefix", "name"]


class DepartmentFilter(BoundedFilterSet):
    domain = django_filters.CharFilter(field_name="remits__domain__code", label="领域代码")

    class Meta:
        model = Department
        fields = ["is_lead", "domain"]


class RegionSearchFilter(BoundedFilterSet):
    """The search box of the 辖区 page (applied to the regions visible to the user)."""

    name = django_filters.CharFilter(lookup_expr="icontains", label="名称")
    code_prefix = django_filters.CharFilter(field_name="code", lookup_expr="startswith", label="代码前缀")
    level = django_filters.ChoiceFilter(
        choices=RegionLevel.choices,
        label="级别",
        empty_label="全部级别",
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    class Meta:
        model = Region
        fields = ["name", "code_prefix", "level"]
