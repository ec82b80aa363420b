"""Forms of the county administration pages (labels and messages in Chinese)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from supervision.core.department_titles import DepartmentTitle
from supervision.core.models import Department, Region, RegionLevel

from .services import GRANTABLE_ROLES


def regions_within(regions: list[Region] | None) -> Any:
    """The county (or city) and its townships: the places a county post may sit."""
    qs = Region.objects.filter(level__lte=RegionLevel.TOWNSHIP)
    if regions is None:
        return qs.none()
    q = Q(pk__in=[])
    for region in regions:
        q |= Q(code__startswith=region.prefix)
    return qs.filter(q).order_by("code")


def styled(form: forms.BaseForm) -> None:
    """Bootstrap classes on every widget (selects get ``form-select``)."""
    for field in form.fields.values():
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs.setdefault("class", css)


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Region) -> str:
        return obj.name if obj.level <= RegionLevel.COUNTY else f"　{obj.name}"


class PostFields(forms.Form):
    department = forms.ModelChoiceField(
        queryset=Department.objects.all(), label=_("部门"), empty_label=_("请选择部门")
    )
    region = RegionChoiceField(queryset=Region.objects.none(), label=_("辖区"), empty_label=_("请选择辖区"))
    role = forms.ChoiceField(
        choices=[("", _("请选择岗位"))] + [(r.value, r.label) for r in GRANTABLE_ROLES], label=_("岗位")
    )

    def __init__(self, *args: Any, regions: list[Region] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions_within(regions)  # type: ignore[attr-defined]
        styled(self)


class PostGrantForm(PostFields):
    """增加岗位."""


class AccountCreateForm(PostFields):
    username = forms.CharField(
        label=_("用户名"), max_length=150, help_text=_("登录用的名称，如 yanggu_zhangsan；建成后不能修改")
    )
    display_name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(label=_("办公电话"), max_length=30, required=False)

    field_order = ["username", "display_name", "phone", "department", "region", "role"]

    def clean_username(self) -> str:
        value = self.cleaned_data["username"].strip()
        if not value.replace("_", "").replace(".", "").replace("-", "").isalnum() or not value.isascii():
            raise forms.ValidationError(_("用户名只能使用英文字母、数字和 _ . -。"))
        return value


class TitleForm(forms.ModelForm):
    class Meta:
        model = DepartmentTitle
        fields = ["official_name", "abbreviation", "contact_person", "contact_phone", "address"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        styled(self)


class UserSearchForm(forms.Form):
    q = forms.CharField(label=_("姓名或用户名"), required=False)
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部")), ("active", _("在用")), ("inactive", _("已停用"))],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        styled(self)
