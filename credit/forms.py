"""Forms of the staff pages; validation that needs the database lives in the services."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supervision.core.widgets import IsoDateInput

from .models import Ground, ListType, RecordKind
from .services import STAFF_KINDS


def _today() -> dt.date:
    return timezone.localdate()


class RecordForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=[(k, RecordKind(k).label) for k in STAFF_KINDS])
    title = forms.CharField(label=_("事项"), max_length=300)
    document = forms.CharField(label=_("依据文书（名称及文号）"), max_length=300)
    effective = forms.DateField(label=_("生效日期"), initial=_today, widget=IsoDateInput)
    person_name = forms.CharField(label=_("相关人员姓名"), max_length=50, required=False)
    person_id_number = forms.CharField(label=_("相关人员身份证号码"), max_length=18, required=False)

    def __init__(self, *args, kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        if kinds is not None:  # only the kinds the user may record on this institution
            self.fields["kind"].choices = [(k, RecordKind(k).label) for k in kinds]


class ProposalForm(forms.Form):
    list_type = forms.ChoiceField(label=_("名单类型"), choices=ListType.choices)
    ground = forms.ChoiceField(label=_("列入事由"), choices=Ground.choices)
    facts = forms.CharField(label=_("失信事实"), widget=forms.Textarea(attrs={"rows": 4}))
    evidence = forms.MultipleChoiceField(label=_("证据（信用记录）"), widget=forms.CheckboxSelectMultiple)
    person_name = forms.CharField(label=_("当事人姓名（行业禁入）"), max_length=50, required=False)
    person_id_number = forms.CharField(label=_("当事人身份证号码（行业禁入）"), max_length=18, required=False)

    def __init__(self, *args, records=(), grounds=None, **kwargs):
        super().__init__(*args, **kwargs)
        if grounds is not None:  # only the grounds the user's department may propose on
            self.fields["ground"].choices = [(g, Ground(g).label) for g in grounds]
        self.fields["evidence"].choices = [
            (str(r.pk), f"{r.effective_on:%Y-%m-%d} {r.get_kind_display()}：{r.title}") for r in records
        ]


class StepForm(forms.Form):
    """One form for every procedure step; each step uses the fields it needs."""

    on = forms.DateField(label=_("日期"), initial=_today, widget=IsoDateInput)
    text = forms.CharField(label=_("意见/内容"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    decision = forms.ChoiceField(
        label=_("结论"), choices=[("yes", _("同意（列入/移出）")), ("no", _("不同意"))], required=False
    )
    permanent = forms.BooleanField(label=_("终身禁入（仅行业禁入）"), required=False)
