from __future__ import annotations

from django import forms

from supervision.core.widgets import IsoDateInput

from .models import Completion

IN = {"class": "form-control"}


class EvaluationNewForm(forms.Form):
    year = forms.IntegerField(
        label="评估年度", min_value=2000, max_value=2100, widget=forms.NumberInput(attrs=IN)
    )
    preparer = forms.CharField(
        label="联系人", max_length=50, required=False, widget=forms.TextInput(attrs=IN)
    )
    scope = forms.ChoiceField(
        label="填报方式",
        choices=[("own", "本单位填报"), ("call", "通知下级各单位填报")],
        initial="own",
        widget=forms.RadioSelect,
    )
    due = forms.DateField(
        label="报送截止日期",
        required=False,
        help_text="通知下级填报时适用：按评估通知载明的日期；不填则按时限规则计算。",
        widget=IsoDateInput(attrs=IN),
    )


class PreparerForm(forms.Form):
    preparer = forms.CharField(label="联系人", max_length=50, widget=forms.TextInput(attrs=IN))


class EntryForm(forms.Form):
    """One row of the form (004 附件1): completion, what was done, the evidence, why not."""

    completion = forms.ChoiceField(
        label="完成情况", choices=[("", "请选择"), *Completion.choices], required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )  # fmt: skip
    completed_text = forms.CharField(
        label="已完成情况", required=False, widget=forms.Textarea(attrs={**IN, "rows": 4})
    )
    evidence_text = forms.CharField(
        label="佐证材料（文件名称、制度上墙照片、会议照片等）", required=False,
        widget=forms.Textarea(attrs={**IN, "rows": 2}),
    )  # fmt: skip
    explanation = forms.CharField(
        label="未完成说明", required=False, widget=forms.Textarea(attrs={**IN, "rows": 3})
    )
    file = forms.FileField(
        label="上传佐证材料文件（图片、PDF 或 Excel）", required=False,
        widget=forms.ClearableFileInput(attrs={"class": "form-control"}),
    )  # fmt: skip
    file_description = forms.CharField(
        label="文件说明", max_length=200, required=False, widget=forms.TextInput(attrs=IN)
    )
