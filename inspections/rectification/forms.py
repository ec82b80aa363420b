"""Staff forms (validation messages in Chinese). Forms validate input; services decide."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inspections.models import Inspection, InspectionKind, Inspector
from supervision.core.widgets import IsoDateInput

from .models import AppealStatus, NoticeItem, PenaltyKind


class BootstrapMixin:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for field in self.fields.values():  # type: ignore[attr-defined]
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            if isinstance(field.widget, forms.CheckboxInput):
                css = "form-check-input"
            field.widget.attrs.setdefault("class", css)


DATE = IsoDateInput()


class RespondForm(BootstrapMixin, forms.Form):
    action_taken = forms.CharField(label=_("整改措施及完成情况"), widget=forms.Textarea(attrs={"rows": 3}))
    evidence_text = forms.CharField(
        label=_("佐证材料说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence_file = forms.FileField(label=_("佐证文件（PDF/JPG/PNG）"), required=False)
    responded_on = forms.DateField(label=_("报告日期"), widget=DATE, initial=timezone.localdate)


class AcceptForm(BootstrapMixin, forms.Form):
    acceptor = forms.ModelChoiceField(
        queryset=Inspector.objects.none(),
        label=_("验收人（执法检查人员）"),
        required=False,
        error_messages={"invalid_choice": _("请选择有效的验收人。")},
    )
    observed = forms.CharField(
        label=_("现场核查情况（验收人所见）"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    reinspection = forms.ModelChoiceField(
        queryset=Inspection.objects.none(), label=_("关联复查记录"), required=False
    )
    reinspected_on = forms.DateField(
        label=_("复查日期"), widget=DATE, required=False, initial=timezone.localdate
    )

    def __init__(self, *args: Any, item: NoticeItem, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        notice = item.notice
        cast(forms.ModelChoiceField, self.fields["acceptor"]).queryset = Inspector.objects.filter(
            department=notice.issuing_department,
            region__code__startswith=notice.issuing_region.prefix,
            active=True,
            certificate_expires__gte=timezone.localdate(),
        )
        cast(forms.ModelChoiceField, self.fields["reinspection"]).queryset = Inspection.objects.filter(
            institution=notice.institution, kind=InspectionKind.REINSPECTION
        )


class RejectForm(AcceptForm):
    new_period_workdays = forms.IntegerField(
        label=_("重新限定整改期限（工作日，留空则原期限继续计算）"),
        required=False,
        min_value=1,
        max_value=250,
    )


class ListingForm(BootstrapMixin, forms.Form):
    supervising_body = forms.CharField(
        label=_("挂牌督办机关"), max_length=100, initial="阳谷县人民政府安全生产委员会"
    )
    deadline = forms.DateField(
        label=_("督办期限"),
        widget=DATE,
        required=False,
        help_text=_("按挂牌督办文书载明的期限填写；留空则按默认督办期限（时限规则“重大隐患挂牌督办”）计算。"),
    )


class ProgressForm(BootstrapMixin, forms.Form):
    text = forms.CharField(label=_("整改进展"), widget=forms.Textarea(attrs={"rows": 3}))
    reported_on = forms.DateField(label=_("报告日期"), widget=DATE, initial=timezone.localdate)


class CloseForm(BootstrapMixin, forms.Form):
    note = forms.CharField(label=_("销号说明（整改验收情况）"), widget=forms.Textarea(attrs={"rows": 3}))


class PenaltyForm(BootstrapMixin, forms.Form):
    institution = forms.IntegerField(widget=forms.HiddenInput)
    decision_number = forms.CharField(label=_("处罚决定书文号"), max_length=100)
    kind = forms.ChoiceField(label=_("处罚种类"), choices=PenaltyKind.choices)
    fine_amount = forms.DecimalField(label=_("罚款金额（元）"), required=False, min_value=0, decimal_places=2)
    confiscated = forms.CharField(label=_("没收财物/违法所得"), required=False, max_length=300)
    facts = forms.CharField(label=_("违法事实"), widget=forms.Textarea(attrs={"rows": 3}))
    legal_basis = forms.CharField(label=_("处罚依据"), max_length=300)
    decided_on = forms.DateField(label=_("决定日期"), widget=DATE)


class AppealForm(BootstrapMixin, forms.Form):
    appeal_status = forms.ChoiceField(label=_("复议诉讼状态"), choices=AppealStatus.choices)


class EndPublicationForm(BootstrapMixin, forms.Form):
    ended_on = forms.DateField(label=_("自该日起不再公示"), widget=DATE)
    reason = forms.CharField(
        label=_("理由（信用修复申请及审核意见）"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
