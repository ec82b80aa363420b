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
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
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
    """Add the bounds above to a FilterSet's form (idempotent); returns the FilterSet.

    It also presents the form the same way on every list (``present``)."""
    if filterset is None or getattr(filterset, "_hardened", False):
        return filterset
    filterset._hardened = True
    form = filterset.form
    for name, field in form.fields.items():
        _bound_field(field, _is_year(name, filterset.filters.get(name)))
    present(filterset)
    return filterset


ALL_LABEL = _("全部")
# What django-filter and Django put in an empty choice when nobody chose a label.
_DEFAULT_EMPTY_LABELS = {"---------", ""}
# django-filter words a generated label with the lookup in English ("提交日期 is greater than")
LOOKUP_WORDS = {"gte": "起", "gt": "起", "lte": "止", "lt": "止", "year": "年度", "isnull": "为空"}
_ENGLISH = re.compile(r"[A-Za-z]{3,}")


class YesNoSelect(forms.NullBooleanSelect):
    """A yes/no filter offers 全部 / 是 / 否 (Django's default reads "未知 / 是 / 否", and
    "未知" is not what a person means by "do not filter on this")."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.choices = [("", ALL_LABEL), ("true", _("是")), ("false", _("否"))]

    def format_value(self, value: Any) -> Any:
        formatted = super().format_value(value)
        return "" if formatted == "unknown" else formatted


def _label_from_model(filterset: Any, name: str) -> str | None:
    """The verbose name of the model field a filter reads, as a fallback label."""
    flt = filterset.filters.get(name)
    model = getattr(getattr(filterset, "_meta", None), "model", None)
    field_name = str(getattr(flt, "field_name", "") or name).split("__")[0]
    if model is None:
        return None
    try:
        return str(model._meta.get_field(field_name).verbose_name)
    except Exception:  # a method filter may name no model field
        return None


def present(filterset: Any) -> Any:
    """The one presentation of every filter form of the portal:

    - choices default to 全部 (not "---------");
    - yes/no filters offer 全部 / 是 / 否 (not "未知");
    - a visible filter always has a label (the model field's verbose name at worst);
    - Bootstrap classes on the widgets, and the region picker knows who is looking.
    """
    from .regionpicker import RegionPicker

    form = filterset.form
    request = getattr(filterset, "request", None)
    for name, field in form.fields.items():
        widget = field.widget
        if type(widget) is forms.NullBooleanSelect:
            field.widget = widget = YesNoSelect(attrs=widget.attrs)
        elif isinstance(widget, forms.Select) and isinstance(field, forms.NullBooleanField):
            # a yes/no filter with worded choices ("反馈已逾期" …): its empty choice reads 全部
            widget.choices = [("", ALL_LABEL) if v in ("", "unknown") else (v, t) for v, t in widget.choices]
        empty = getattr(field, "empty_label", "x")
        if empty in _DEFAULT_EMPTY_LABELS and not field.required:
            field.empty_label = ALL_LABEL
            # the widget's choices were copied from the class's field and still read its label
            widget.choices = field.choices
        if isinstance(widget, RegionPicker):
            widget.bind(getattr(request, "user", None))
        if isinstance(widget, forms.HiddenInput):
            continue
        if not field.label or _ENGLISH.search(str(field.label)):
            flt = filterset.filters.get(name)
            suffix = LOOKUP_WORDS.get(str(getattr(flt, "lookup_expr", "")), "")
            base = _label_from_model(filterset, name)
            field.label = f"{base}{suffix}" if base else field.label or name
        if isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select form-select-sm")
        elif not isinstance(widget, (forms.CheckboxInput, RegionPicker)):
            widget.attrs.setdefault("class", "form-control form-control-sm")
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


class RegionSubtreeFilter(django_filters.CharFilter):
    """A region and everything under it, picked with the cascading region picker (省 → 市 →
    县 → 乡镇, limited to the user's jurisdiction). ``field_name`` is the path of the row's
    region (``region``, ``institution__region`` …); the value is a 12-digit code (a shorter
    one is padded), an unknown code matches nothing."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from .regionpicker import RegionPicker

        kwargs.setdefault("label", _("所在区域"))
        kwargs.setdefault("widget", RegionPicker())
        super().__init__(*args, **kwargs)

    def filter(self, qs: Any, value: Any) -> Any:
        from .models import LEVEL_PREFIX

        value = (value or "").strip()
        if not value:
            return qs
        region = region_by_code(value.ljust(12, "0"))
        if region is None:
            return qs.none()
        prefix = region.code[: LEVEL_PREFIX[region.level]]
        return qs.filter(**{f"{self.field_name}__code__startswith": prefix})


_regions_by_code: ContextVar[dict[str, Region | None] | None] = ContextVar("regions_by_code", default=None)


@contextmanager
def regions_remembered() -> Iterator[None]:
    """Inside the block each region is read once by ``region_by_code`` (a batch of figures
    applies a list's region filter to the same few regions hundreds of times)."""
    token = _regions_by_code.set({})
    try:
        yield
    finally:
        _regions_by_code.reset(token)


def region_by_code(code: str) -> Region | None:
    memo = _regions_by_code.get()
    if memo is None:
        return Region.objects.filter(code=code).first()
    if code not in memo:
        memo[code] = Region.objects.filter(code=code).first()
    return memo[code]


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
