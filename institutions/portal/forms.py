"""Forms of the institution's side (Chinese labels; the password fields follow the staff policy)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import password_validators_help_texts

from supervision.core.widgets import IsoDateInput, IsoDateTimeInput

from .models import Capacity


class _Styled(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if not isinstance(field.widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
                field.widget.attrs.setdefault("class", "form-control")


class AccountCreateForm(_Styled):
    person_name = forms.CharField(label="账户使用人姓名", max_length=50)
    capacity = forms.ChoiceField(label="身份", choices=Capacity.choices)
    phone = forms.CharField(label="联系电话", max_length=30, required=False)
    username = forms.CharField(
        label="用户名", max_length=150, required=False, help_text="留空则自动生成（如 jg12_1）。"
    )


class NewPasswordForm(_Styled):
    new_password1 = forms.CharField(
        label="设置密码", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}), strip=False
    )
    new_password2 = forms.CharField(
        label="再次输入密码", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}), strip=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = "".join(password_validators_help_texts())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_password1") and data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", "两次输入的密码不一致。")
        return data


class CodeSignInForm(NewPasswordForm):
    username = forms.CharField(label="用户名", max_length=150)
    code = forms.CharField(
        label="一次性登录码", max_length=20, help_text="民政部门开设账户时提供的 12 位登录码。"
    )
    field_order = ["username", "code", "new_password1", "new_password2"]


class FilingApplicationForm(_Styled):
    """在线备案 (arts. 10–12). Nothing is required by the form itself: a complete filing gets its
    receipt, an incomplete one is returned listing everything missing (the service decides)."""

    name = forms.CharField(label="机构名称", max_length=200, required=False)
    address = forms.CharField(label="服务场所地址", max_length=300, required=False)
    legal_representative = forms.CharField(label="法定代表人", max_length=50, required=False)
    principal = forms.CharField(label="主要负责人", max_length=50, required=False)
    premises_ownership = forms.CharField(
        label="服务场所权属",
        max_length=100,
        required=False,
        help_text="如：自有产权、租赁（租期至 2031 年 12 月）",
    )
    beds = forms.IntegerField(label="床位数（张）", min_value=0, required=False)
    floor_area = forms.DecimalField(
        label="建筑面积（㎡）", min_value=0, max_digits=10, decimal_places=2, required=False
    )
    contact_phone = forms.CharField(label="联系电话", max_length=30, required=False)
    registration_level = forms.ChoiceField(
        label="登记管理机关层级",
        required=False,
        help_text="非营利性机构向登记管理机关同级的民政部门备案；营利性机构向服务场所所在地县级民政部门备案，无需选择。",
    )
    certificate_number = forms.CharField(label="登记证书（营业执照）编号", max_length=60, required=False)
    certificate_file = forms.FileField(label="登记证书扫描件（图片或 PDF）", required=False)
    commitments = forms.MultipleChoiceField(
        label="书面承诺（逐项确认）", widget=forms.CheckboxSelectMultiple, required=False
    )
    commitment_signed_by = forms.CharField(
        label="承诺人签名（备案申请人姓名）",
        max_length=50,
        required=False,
        help_text="由办理备案的本人签名。",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from .filing_models import Commitment, RegistrationLevel

        super().__init__(*args, **kwargs)
        self.fields["registration_level"].choices = [("", "——"), *RegistrationLevel.choices]  # type: ignore[attr-defined]
        self.fields["commitments"].choices = list(Commitment.choices)  # type: ignore[attr-defined]


class FirstResidentForm(_Styled):
    taken_in_on = forms.DateField(label="收住首位老年人日期", widget=IsoDateInput())


class DisclosureForm(_Styled):
    """The institution's disclosure (000 (九); 004 (五) service-quality template)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from institutions.models import Institution

        from .disclosure_models import DISCLOSURE_FIELDS, QUALITY_ITEMS
        from .services.disclosure import QUALITY_PREFIX

        super().__init__(*args, **kwargs)
        for name in DISCLOSURE_FIELDS:
            model_field: Any = Institution._meta.get_field(name)
            long = model_field.get_internal_type() == "TextField"
            self.fields[name] = forms.CharField(
                label=str(model_field.verbose_name),
                required=False,
                widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}) if long else None,
            )
        for key, label in QUALITY_ITEMS:
            self.fields[QUALITY_PREFIX + key] = forms.CharField(
                label=f"服务质量信息：{label}", required=False
            )
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")


class DrillForm(_Styled):
    held_on = forms.DateField(label="演练日期", widget=IsoDateInput())
    kind = forms.ChoiceField(label="演练类型")
    participants = forms.IntegerField(label="参加人数", min_value=0, required=False)
    notes = forms.CharField(label="演练情况", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    photos = forms.FileField(label="演练照片", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from institutions.models import DrillKind

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = list(DrillKind.choices)  # type: ignore[attr-defined]


class PlanForm(_Styled):
    kind = forms.ChoiceField(label="预案类型")
    title = forms.CharField(label="预案名称", max_length=200)
    adopted_on = forms.DateField(label="制定日期", widget=IsoDateInput())
    summary = forms.CharField(label="主要内容", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from institutions.models import PlanKind

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = list(PlanKind.choices)  # type: ignore[attr-defined]


class IncidentForm(_Styled):
    kind = forms.ChoiceField(label="事件类型")
    occurred_at = forms.DateTimeField(
        label="发生时间",
        widget=IsoDateTimeInput(),
    )
    summary = forms.CharField(label="事件概况", widget=forms.Textarea(attrs={"rows": 3}))
    affected = forms.IntegerField(label="涉及人数", min_value=0, required=False)
    measures = forms.CharField(label="已采取措施", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from institutions.models import IncidentKind

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = list(IncidentKind.choices)  # type: ignore[attr-defined]
