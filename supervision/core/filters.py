import django_filters
from django import forms

from .models import Department, Region, RegionLevel


class RegionFilter(django_filters.FilterSet):
    """Regions by parent, level, code prefix or name."""

    parent = django_filters.CharFilter(field_name="parent__code", label="上级区划代码")
    code_prefix = django_filters.CharFilter(field_name="code", lookup_expr="startswith", label="代码前缀")
    name = django_filters.CharFilter(lookup_expr="icontains", label="名称")

    class Meta:
        model = Region
        fields = ["level", "parent", "code_prefix", "name"]


class DepartmentFilter(django_filters.FilterSet):
    domain = django_filters.CharFilter(field_name="remits__domain__code", label="领域代码")

    class Meta:
        model = Department
        fields = ["is_lead", "domain"]


class RegionSearchFilter(django_filters.FilterSet):
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
