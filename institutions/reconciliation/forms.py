"""Forms of the reconciliation pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from institutions.models import RegistrationAuthority
from supervision.core import spreadsheets

from .models import FIELDS, REQUIRED_FIELDS, ListCoverage, RegistrationSource, VerifyResult


def _bootstrap(form: forms.Form) -> None:
    for field in form.fields.values():
        w = field.widget
        if isinstance(w, forms.RadioSelect):
            continue  # Django puts a widget's class on the radio group's wrapper too
        w.attrs.setdefault("class", "form-select" if isinstance(w, forms.Select) else "form-control")


class UploadForm(forms.Form):
    source = forms.ModelChoiceField(
        queryset=RegistrationSource.objects.none(),
        required=False,
        label=_("数据来源"),
        empty_label=_("— 新数据来源 —"),
    )
    new_source_name = forms.CharField(
        label=_("新数据来源名称"),
        max_length=100,
        required=False,
        help_text=_("如：阳谷县市场监管局经营范围含养老服务的市场主体"),
    )
    authority = forms.ChoiceField(
        label=_("登记管理机关"),
        choices=[c for c in RegistrationAuthority.choices if c[0] != RegistrationAuthority.NONE],
        required=False,
    )
    coverage = forms.ChoiceField(
        label=_("名单范围"),
        choices=[
            (
                ListCoverage.FULL,
                _("全量：该登记管理机关在本辖区登记的全部主体（名录中有、名单中没有的机构列入“名录外待核”）"),
            ),
            (
                ListCoverage.INCREMENTAL,
                _("增量：部分主体，或新增、变更的登记（不比对名单中没有的机构）"),
            ),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择名单范围：全量或增量。")},
    )
    file = forms.FileField(label=_("登记数据文件（.xlsx 或 .csv）"))

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = RegistrationSource.objects.visible_to(user)  # type: ignore[attr-defined]
        _bootstrap(self)

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith((".xlsx", ".xlsm", ".csv")):
            raise forms.ValidationError(_("仅支持 .xlsx 或 .csv 文件。"))
        # Size, inflated size and rows before the file is stored or any reader opens it (the
        # service checks the stored file again, by its detected kind, for the API).
        spreadsheets.check_import_file(f)
        return f

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("source") and not (data.get("new_source_name") or "").strip():
            self.add_error("new_source_name", _("请选择已有数据来源，或填写新数据来源名称。"))
        if not data.get("source") and not data.get("authority"):
            self.add_error("authority", _("请选择登记管理机关。"))
        return data


class MappingForm(forms.Form):
    """One select per field of ours, offering the file's headers."""

    def __init__(
        self, *args: Any, headers: list[str], initial_mapping: dict[str, str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("— 文件中没有此列 —")), *[(h, h) for h in headers if h]]
        for key, (label, _syn) in FIELDS.items():
            self.fields[key] = forms.ChoiceField(
                label=label,
                choices=choices,
                required=key in REQUIRED_FIELDS,
                initial=initial_mapping.get(key, ""),
                error_messages={"required": _("请指定“%(label)s”对应的列。") % {"label": label}},
            )

        _bootstrap(self)

    def mapping(self) -> dict[str, str]:
        return {k: v for k, v in self.cleaned_data.items() if v}


class VerifyForm(forms.Form):
    result = forms.ChoiceField(label=_("核实结果"), choices=[("", "—"), *VerifyResult.choices])
    notes = forms.CharField(label=_("核实情况说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _bootstrap(self)
