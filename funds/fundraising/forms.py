from __future__ import annotations

from typing import Any

from django import forms

from funds.deposits.forms import institution_field, style
from supervision.core.models import Region, RegionLevel
from supervision.core.widgets import IsoDateInput

from .models import RiskKind, RiskLevel, RiskSource, ScreeningResult


class RiskForm(forms.Form):
    """登记非法集资风险."""

    kind = forms.ChoiceField(label="风险类型", choices=RiskKind.choices)
    source = forms.ChoiceField(label="线索来源", choices=RiskSource.choices)
    complaint_code = forms.CharField(
        label="投诉查询码", max_length=20, required=False, help_text="来源为投诉举报时填写"
    )
    level = forms.ChoiceField(label="风险等级", choices=RiskLevel.choices)
    institution_name = forms.CharField(
        label="经营者名称（未登记的）",
        max_length=200,
        required=False,
        help_text="不在机构名录中的经营者填写名称和发生地",
    )
    region = forms.ModelChoiceField(
        label="发生地（乡镇、街道）",
        queryset=Region.objects.none(),
        required=False,
        empty_label="请选择",
    )
    description = forms.CharField(label="风险情况", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
    amount_involved = forms.DecimalField(
        label="涉及金额（元）", max_digits=14, decimal_places=2, min_value=0, required=False
    )
    people_involved = forms.IntegerField(label="涉及人数", min_value=0, required=False)
    found_on = forms.DateField(label="发现日期", widget=IsoDateInput)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        inst = institution_field(user)
        inst.required = False
        inst.empty_label = "（未登记经营者）"
        self.fields = {"institution": inst, **self.fields}
        prefixes = (
            [p.region.prefix for p in user.active_assignments()]
            if user is not None and user.is_authenticated
            else []
        )
        regions = Region.objects.filter(level__in=[RegionLevel.COUNTY, RegionLevel.TOWNSHIP])
        if not getattr(user, "is_superuser", False):
            from django.db.models import Q

            q = Q(pk__in=[])
            for p in prefixes:
                q |= Q(code__startswith=p)
            regions = regions.filter(q)
        self.fields["region"].queryset = regions.order_by("code")  # type: ignore[attr-defined]
        style(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("institution") and not (data.get("institution_name") and data.get("region")):
            raise forms.ValidationError("请选择机构，或填写经营者名称和发生地。")
        return data


class EvidenceForm(forms.Form):
    file = forms.FileField(label="证据文件（图片或 PDF）")
    description = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class ReferForm(forms.Form):
    note = forms.CharField(
        label="移送说明", widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=1000
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class CloseForm(forms.Form):
    outcome = forms.CharField(label="处置结果", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    on = forms.DateField(label="办结日期", widget=IsoDateInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class ScreeningForm(forms.Form):
    screened_on = forms.DateField(label="排查日期", widget=IsoDateInput)
    result = forms.ChoiceField(label="排查结果", choices=ScreeningResult.choices)
    note = forms.CharField(label="说明", max_length=300, required=False)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {"institution": institution_field(user), **self.fields}
        style(self)
