from __future__ import annotations

from django import forms

from .formats import FORMAT_CHOICES

SM = {"class": "form-select"}
IN = {"class": "form-control"}


class ReportNewForm(forms.Form):
    """Start a report of one's own unit, or (``call``) ask the units below for theirs."""

    format = forms.ChoiceField(label="报表", choices=FORMAT_CHOICES, widget=forms.Select(attrs=SM))
    year = forms.IntegerField(
        label="年度", min_value=2000, max_value=2100, widget=forms.NumberInput(attrs=IN)
    )
    number = forms.IntegerField(
        label="月份或季度",
        min_value=0,
        max_value=12,
        required=False,
        help_text="月报填月份（1–12），季报和基本情况表填季度（1–4），年报不填。",
        widget=forms.NumberInput(attrs=IN),
    )
    scope = forms.ChoiceField(
        label="填报方式",
        choices=[("own", "本单位填报"), ("call", "通知下级各单位填报")],
        initial="own",
        widget=forms.RadioSelect,
    )


class ReportEditForm(forms.Form):
    preparer = forms.CharField(label="制表人（联系人）", max_length=50, widget=forms.TextInput(attrs=IN))
    note = forms.CharField(label="填报说明", required=False, widget=forms.Textarea(attrs={**IN, "rows": 3}))


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label="退回理由", widget=forms.Textarea(attrs={"class": "form-control", "rows": 3})
    )
