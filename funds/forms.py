"""Forms of the funds staff pages (Chinese labels, ISO date widgets)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from institutions.forms import BootstrapMixin
from institutions.models import Institution
from supervision.core.models import Region
from supervision.core.widgets import IsoDateInput

from .models import CareLevel, CheckResult, FlagOutcome, LineKind, SubsidyProgramme

DATE = IsoDateInput()
REVIEW_DECISIONS = (("pass", _("审核通过，报财政审批")), ("return", _("退回修改")), ("reject", _("不予补贴")))
APPROVE_DECISIONS = (("approve", _("批准")), ("return", _("退回修改")), ("reject", _("不予补贴")))
YES_NO = ((None, _("未核查")), (True, _("相符")), (False, _("不相符")))


class ProgrammeForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = SubsidyProgramme
        fields = [
            "name",
            "kind",
            "region",
            "unit_amount",
            "legal_basis",
            "source_document",
            "valid_from",
            "valid_until",
            "active",
        ]
        widgets = {
            "valid_from": DATE,
            "valid_until": DATE,
            "legal_basis": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = _regions_of(user)  # type: ignore[attr-defined]
        # The amount per care level is typed in one labelled field per level and stored as before
        # (``care_level_rates``: level → amount).
        rates = self.instance.care_level_rates or {}
        names = list(self.fields)
        at = names.index("unit_amount") + 1
        fields = list(self.fields.items())
        for level, label in CareLevel.choices:
            fields.insert(
                at,
                (
                    f"rate_{level}",
                    forms.DecimalField(
                        label=_("%(level)s每人每月补贴（元）") % {"level": label},
                        required=False,
                        min_value=0,
                        max_digits=10,
                        decimal_places=2,
                        initial=rates.get(level),
                        help_text=_("仅“按护理等级”的运营补贴填写；该等级不补贴的留空。"),
                        widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.01"}),
                    ),
                ),
            )
            at += 1
        self.fields = dict(fields)  # type: ignore[assignment]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        rates = {}
        for level, _label in CareLevel.choices:
            amount = data.get(f"rate_{level}")
            if amount is not None:
                rates[level] = str(amount)
        self.instance.care_level_rates = rates
        return data


def _regions_of(user: Any) -> Any:
    """The counties and townships (and above) in the user's jurisdictions."""
    if user is None:
        return Region.objects.none()
    if user.is_superuser:
        return Region.objects.filter(level__lte=3)
    from django.db.models import Q

    q = Q(pk__in=[])
    for a in user.active_assignments():
        q |= Q(code__startswith=a.region.prefix, level__lte=3)
    return Region.objects.filter(q).order_by("code")


class ClaimForm(BootstrapMixin, forms.Form):
    programme = forms.ModelChoiceField(label=_("补贴项目"), queryset=SubsidyProgramme.objects.none())
    institution = forms.ModelChoiceField(label=_("申报机构"), queryset=Institution.objects.none())
    period_start = forms.DateField(
        label=_("申报起始月份"), widget=DATE, help_text=_("填该月任一日，按整月计")
    )
    period_end = forms.DateField(label=_("申报截止月份"), widget=DATE)
    basis_note = forms.CharField(
        label=_("申报说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = SubsidyProgramme.objects.visible_to(user).filter(  # type: ignore[attr-defined]
            active=True
        )
        self.fields["institution"].queryset = Institution.objects.visible_to(user).order_by(  # type: ignore[attr-defined]
            "name"
        )


class LineForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=LineKind.choices)
    month = forms.DateField(label=_("月份"), widget=DATE)
    quantity = forms.IntegerField(label=_("数量（床位数）"), min_value=1, initial=1)
    care_level = forms.ChoiceField(
        label=_("护理等级"), choices=[("", _("—")), *CareLevel.choices], required=False
    )
    resident_name = forms.CharField(label=_("老人姓名"), max_length=50, required=False)
    id_number = forms.CharField(label=_("身份证号"), max_length=18, required=False)


class ReviewForm(BootstrapMixin, forms.Form):
    decision = forms.ChoiceField(label=_("审核意见"), choices=REVIEW_DECISIONS)
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ApproveForm(BootstrapMixin, forms.Form):
    decision = forms.ChoiceField(label=_("审批意见"), choices=APPROVE_DECISIONS)
    amount = forms.DecimalField(label=_("核定金额（元）"), required=False, min_value=0, decimal_places=2)
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PayForm(BootstrapMixin, forms.Form):
    paid_on = forms.DateField(label=_("拨付日期"), widget=DATE)
    amount = forms.DecimalField(label=_("拨付金额（元）"), required=False, min_value=0, decimal_places=2)
    reference = forms.CharField(label=_("拨付凭证号"), max_length=60)


class ImportForm(BootstrapMixin, forms.Form):
    file = forms.FileField(label=_("Excel 文件（.xlsx 或 .csv）"))


class StatusImportForm(BootstrapMixin, forms.Form):
    file = forms.FileField(label=_("Excel 文件（.xlsx 或 .csv）"))
    source = forms.CharField(
        label=_("数据来源"), max_length=100, help_text=_("如：县民政局殡葬管理数据、医保住院结算数据")
    )


class FlagReviewForm(BootstrapMixin, forms.Form):
    outcome = forms.ChoiceField(label=_("复核结论"), choices=FlagOutcome.choices)
    note = forms.CharField(label=_("复核说明"), widget=forms.Textarea(attrs={"rows": 3}))


class CommitForm(BootstrapMixin, forms.Form):
    ratio = forms.DecimalField(
        label=_("抽查比例"),
        min_value=0,
        max_value=1,
        decimal_places=3,
        initial="0.2",
        help_text=_("0.2 表示抽取 20% 的已拨付申报，向上取整"),
    )


class CheckForm(BootstrapMixin, forms.Form):
    result = forms.ChoiceField(
        label=_("核查结果"), choices=[c for c in CheckResult.choices if c[0] != "pending"]
    )
    checked_on = forms.DateField(label=_("核查日期"), widget=DATE)
    beds_found = forms.IntegerField(label=_("实有床位数"), min_value=0, required=False)
    status_ok = forms.NullBooleanField(
        label=_("机构运营状态"), widget=forms.Select(choices=YES_NO), required=False
    )
    staff_ok = forms.NullBooleanField(
        label=_("从业人员配备"), widget=forms.Select(choices=YES_NO), required=False
    )
    inspections_note = forms.CharField(
        label=_("监督检查情况"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    note = forms.CharField(label=_("核查说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    third_party = forms.CharField(label=_("第三方核查机构（如有）"), max_length=200, required=False)
    third_party_conclusion = forms.CharField(
        label=_("第三方核查结论"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    third_party_report = forms.FileField(label=_("第三方核查报告（PDF 或图片，可不传）"), required=False)


class RecoveryForm(BootstrapMixin, forms.Form):
    facts = forms.CharField(label=_("骗取补贴的事实"), widget=forms.Textarea(attrs={"rows": 4}))


class RepaymentForm(BootstrapMixin, forms.Form):
    amount = forms.DecimalField(label=_("退回金额（元）"), min_value=0, decimal_places=2)
    paid_on = forms.DateField(label=_("退回日期"), widget=DATE)
    reference = forms.CharField(label=_("缴款凭证号"), max_length=60, required=False)


PENALTY_BASIS = "《山东省养老服务条例》第七十一条"


class PenaltyDecisionForm(BootstrapMixin, forms.Form):
    """The penalty of a subsidy fraud, recorded through the existing penalty service."""

    decision_number = forms.CharField(label=_("行政处罚决定书文号"), max_length=100)
    kind = forms.ChoiceField(label=_("处罚种类"), choices=())
    fine_amount = forms.DecimalField(
        label=_("罚款金额（元）"),
        min_value=0,
        decimal_places=2,
        required=False,
        help_text=_("处罚种类为罚款时填写"),
    )
    legal_basis = forms.CharField(label=_("处罚依据"), max_length=300, initial=PENALTY_BASIS)
    decided_on = forms.DateField(label=_("决定日期"), widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from credit.penalties import penalty_kinds

        self.fields["kind"].choices = penalty_kinds()  # type: ignore[attr-defined]
