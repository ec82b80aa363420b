from __future__ import annotations

from typing import Any

from django import forms

from institutions.models import Institution
from supervision.core.widgets import IsoDateInput

from .models import FeeKind, ReportSource


def style(form: forms.Form) -> None:
    for field in form.fields.values():
        if isinstance(field.widget, (forms.HiddenInput, forms.CheckboxInput)):
            field.widget.attrs.setdefault("class", "form-check-input")
            continue
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs.setdefault("class", css)


def institution_field(user: Any) -> forms.ModelChoiceField:
    qs = (
        Institution.objects.visible_to(user).select_related("region").order_by("name")
        if user
        else Institution.objects.none()
    )
    return forms.ModelChoiceField(label="机构", queryset=qs, empty_label="请选择机构")


MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2, "min_value": 0}


class AccountForm(forms.Form):
    """登记监管专户."""

    bank_name = forms.CharField(label="开户银行", max_length=100)
    account_name = forms.CharField(
        label="账户名称", max_length=200, required=False, help_text="留空则为机构名称"
    )
    account_number = forms.CharField(label="账号", max_length=40, help_text="页面只显示后四位")
    opened_on = forms.DateField(label="开户日期", widget=IsoDateInput)
    agreement = forms.FileField(label="资金监管协议（PDF 或图片）", required=False)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {"institution": institution_field(user), **self.fields}
        style(self)


class BalanceForm(forms.Form):
    """登记专户余额."""

    as_of = forms.DateField(label="余额日期", widget=IsoDateInput)
    balance = forms.DecimalField(label="专户余额（元）", **MONEY)
    source = forms.ChoiceField(label="来源", choices=ReportSource.choices)
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class FeeForm(forms.Form):
    """登记押金/预收费 (one resident)."""

    kind = forms.ChoiceField(label="类别", choices=FeeKind.choices)
    resident_name = forms.CharField(label="老人姓名", max_length=50)
    id_number = forms.CharField(label="身份证号", max_length=18, help_text="只保存加密摘要和脱敏号码")
    amount = forms.DecimalField(label="收取金额（元）", **MONEY)
    received_on = forms.DateField(label="收取日期", widget=IsoDateInput)
    monthly_fee = forms.DecimalField(
        label="月费用合计（元）", help_text="床位费、护理费、伙食费每月合计", **MONEY
    )
    months_covered = forms.IntegerField(label="预收月数", min_value=1, max_value=120, required=False)
    contract_ended_on = forms.DateField(label="合同终止日期", widget=IsoDateInput, required=False)
    refunded_amount = forms.DecimalField(label="已退金额（元）", required=False, **MONEY)
    refunded_on = forms.DateField(label="退费日期", widget=IsoDateInput, required=False)
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class RefundForm(forms.Form):
    """登记退费."""

    amount = forms.DecimalField(label="累计已退金额（元）", **MONEY)
    on = forms.DateField(label="退费日期", widget=IsoDateInput)
    contract_ended_on = forms.DateField(label="合同终止日期", widget=IsoDateInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class LedgerImportForm(forms.Form):
    """导入押金与预收费台账 (Excel or CSV)."""

    file = forms.FileField(
        label="台账文件（.xlsx 或 .csv）",
        help_text="表头：姓名、身份证号、类别（押金/保证金/预收费）、金额、收取日期、月费用合计、预收月数、合同终止日期、已退金额、退费日期、备注",
    )
    apply_good = forms.BooleanField(label="有错误时仍导入正确的行", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class BalanceImportForm(forms.Form):
    """导入专户余额 (a bank's or an institution's report)."""

    file = forms.FileField(label="余额文件（.xlsx 或 .csv）", help_text="表头：账号、余额日期、余额、备注")
    source = forms.ChoiceField(label="来源", choices=ReportSource.choices, initial=ReportSource.BANK)
    apply_good = forms.BooleanField(label="有错误时仍导入正确的行", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class FlagResponseForm(forms.Form):
    text = forms.CharField(
        label="机构说明及整改情况", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class FlagReviewForm(forms.Form):
    """复核并办结 a deposit flag (``funds.services.flags.flag_review``)."""

    outcome = forms.ChoiceField(label="复核结论", choices=[])
    note = forms.CharField(label="复核说明", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from funds.models import FlagOutcome

        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = FlagOutcome.choices  # type: ignore[attr-defined]
        style(self)
