"""Forms of the campaign pages (the services validate again; these give field-level messages)."""

from __future__ import annotations

from typing import Any

from django import forms

from supervision.core.models import Department, Region
from supervision.core.widgets import IsoDateInput

from .models import Campaign, CampaignKind, CampaignPhase

IN = {"class": "form-control"}
SM = {"class": "form-select"}


def _posts(user: Any, *, lead_only: bool = False) -> list[tuple[str, str]]:
    """The user's posts as choices "<department pk>:<region pk>" (the body that acts)."""
    out = []
    for a in user.active_assignments():
        if lead_only and not a.department.is_lead:
            continue
        out.append((f"{a.department_id}:{a.region_id}", f"{a.region.name}{a.department.name}"))
    return list(dict.fromkeys(out))


def parse_post(value: str) -> tuple[Department, Region]:
    dept_pk, region_pk = (int(x) for x in value.split(":"))
    return Department.objects.get(pk=dept_pk), Region.objects.get(pk=region_pk)


class CampaignForm(forms.Form):
    post = forms.ChoiceField(label="组织部门（我的岗位）", widget=forms.Select(attrs=SM))
    title = forms.CharField(label="名称", max_length=200, widget=forms.TextInput(attrs=IN))
    kind = forms.ChoiceField(label="类型", choices=CampaignKind.choices, widget=forms.Select(attrs=SM))
    document_number = forms.CharField(
        label="文号", max_length=100, required=False, widget=forms.TextInput(attrs=IN)
    )
    source_document = forms.CharField(
        label="依据文件", max_length=300, required=False, widget=forms.TextInput(attrs=IN)
    )
    description = forms.CharField(
        label="工作要求", required=False, widget=forms.Textarea(attrs={**IN, "rows": 4})
    )
    starts_on = forms.DateField(label="开始日期", widget=IsoDateInput(attrs=IN))
    ends_on = forms.DateField(label="结束日期", widget=IsoDateInput(attrs=IN))

    def __init__(self, *args: Any, user: Any, campaign: Campaign | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if campaign is not None:
            del self.fields["post"]  # the organiser does not change
        else:
            self.fields["post"].choices = _posts(user)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "结束日期不能早于开始日期。")
        return data


class PhaseForm(forms.Form):
    name = forms.CharField(label="阶段名称", max_length=100, widget=forms.TextInput(attrs=IN))
    starts_on = forms.DateField(label="开始日期", widget=IsoDateInput(attrs=IN))
    ends_on = forms.DateField(label="结束日期", widget=IsoDateInput(attrs=IN))
    description = forms.CharField(
        label="工作内容", required=False, widget=forms.Textarea(attrs={**IN, "rows": 2})
    )


class TaskForm(forms.Form):
    number = forms.CharField(label="序号", max_length=20, required=False, widget=forms.TextInput(attrs=IN))
    title = forms.CharField(label="任务", max_length=200, widget=forms.TextInput(attrs=IN))
    content = forms.CharField(
        label="任务内容", required=False, widget=forms.Textarea(attrs={**IN, "rows": 3})
    )
    phase = forms.ModelChoiceField(
        CampaignPhase.objects.none(), label="所属阶段", required=False, empty_label="不分阶段",
        widget=forms.Select(attrs=SM),
    )  # fmt: skip
    lead_department = forms.ModelChoiceField(
        Department.objects.all(), label="牵头部门", empty_label="请选择", widget=forms.Select(attrs=SM)
    )
    responsible_departments = forms.ModelMultipleChoiceField(
        Department.objects.all(),
        label="责任部门",
        required=False,
        widget=forms.SelectMultiple(attrs={**SM, "size": 6}),
    )
    townships_report = forms.BooleanField(
        label="各乡镇（街道）民政办均须报送",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    report_by = forms.DateField(label="报送时限", widget=IsoDateInput(attrs=IN))
    source_article = forms.CharField(
        label="依据条款", max_length=100, required=False, widget=forms.TextInput(attrs=IN)
    )

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phase"].queryset = campaign.phases.all()  # type: ignore[attr-defined]


class SubmitForm(forms.Form):
    summary = forms.CharField(
        label="报送内容", max_length=10000, widget=forms.Textarea(attrs={**IN, "rows": 5})
    )
    file = forms.FileField(
        label="附件（图片或 PDF，可选）", required=False, widget=forms.ClearableFileInput(attrs=IN)
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label="审核结果",
        choices=[("accept", "通过"), ("return", "退回补报")],
        widget=forms.Select(attrs=SM),
    )
    note = forms.CharField(label="审核意见", required=False, widget=forms.Textarea(attrs={**IN, "rows": 2}))


class LiaisonForm(forms.Form):
    post_body = forms.ChoiceField(label="乡镇（街道）或部门", widget=forms.Select(attrs=SM))
    campaign = forms.ModelChoiceField(
        Campaign.objects.none(), label="专项行动", required=False, empty_label="常设联络员",
        widget=forms.Select(attrs=SM),
    )  # fmt: skip
    name = forms.CharField(label="姓名", max_length=50, widget=forms.TextInput(attrs=IN))
    post = forms.CharField(label="职务", max_length=100, widget=forms.TextInput(attrs=IN))
    office_phone = forms.CharField(
        label="办公电话", max_length=30, required=False, widget=forms.TextInput(attrs=IN)
    )
    mobile = forms.RegexField(
        label="手机",
        regex=r"^1[3-9]\d{9}$",
        error_messages={"invalid": "请填写 11 位手机号码。"},
        widget=forms.TextInput(attrs=IN),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["post_body"].choices = _posts(user)  # type: ignore[attr-defined]
        self.fields["campaign"].queryset = Campaign.objects.visible_to(user)  # type: ignore[attr-defined]
