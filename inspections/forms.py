"""Staff forms (validation messages in Chinese)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from institutions.models import Institution
from supervision.core import policy
from supervision.core.models import Department, Domain
from supervision.core.widgets import IsoDateInput

from .models import (
    Inspection,
    InspectionKind,
    InspectionPlan,
    Inspector,
    ItemResult,
    Severity,
    default_risk_weights,
)

RISK_CLASSES = (("high", _("高风险")), ("medium", _("中风险")), ("low", _("低风险")))


class PlanForm(forms.ModelForm):
    """The plan; the risk settings are typed per risk class (高风险/中风险/低风险) in labelled
    fields and stored as before (``risk_weights``, ``class_ratios``, ``uncapped_classes``)."""

    class Meta:
        model = InspectionPlan
        fields = [
            "title",
            "region",
            "department",
            "partner_departments",
            "year",
            "sampling_ratio",
            "team_size",
            "coverage_period",
            "items",
        ]
        widgets = {"partner_departments": forms.CheckboxSelectMultiple, "items": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, user: Any = None, regions: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        weights = default_risk_weights()
        if self.instance.pk:
            weights = {**weights, **(self.instance.risk_weights or {})}
        ratios = (self.instance.class_ratios or {}) if self.instance.pk else {}
        uncapped = (self.instance.uncapped_classes or []) if self.instance.pk else []
        for key, label in RISK_CLASSES:
            self.fields[f"weight_{key}"] = forms.DecimalField(
                label=_("%(risk)s机构抽中权重") % {"risk": label},
                min_value=Decimal("0.01"),
                max_digits=6,
                decimal_places=2,
                initial=Decimal(str(weights.get(key, "1"))),
                help_text=_("权重越大越容易被抽中；1 为普通机构。"),
            )
        for key, label in RISK_CLASSES:
            self.fields[f"ratio_{key}"] = forms.DecimalField(
                label=_("%(risk)s机构抽查比例") % {"risk": label},
                required=False,
                min_value=Decimal("0"),
                max_value=Decimal("1"),
                max_digits=4,
                decimal_places=3,
                initial=ratios.get(key),
                help_text=_("0–1，如 0.5 表示 50%；留空按总体抽查比例。"),
                error_messages={
                    "min_value": _("抽查比例须在 0 到 1 之间。"),
                    "max_value": _("抽查比例须在 0 到 1 之间。"),
                },
            )
        for key, label in RISK_CLASSES:
            self.fields[f"uncapped_{key}"] = forms.BooleanField(
                label=_("%(risk)s机构全部纳入抽查（不设比例上限）") % {"risk": label},
                required=False,
                initial=key in uncapped,
            )
        if regions is not None:
            cast(forms.ModelChoiceField, self.fields["region"]).queryset = regions
        if user is not None and not user.is_superuser:
            # A plan is made for a department the user holds an acting post in; the service asks
            # the policy about the department and the region together.
            acting = [a.department_id for a in user.active_assignments() if a.role in policy.ACTING]
            field = cast(forms.ModelChoiceField, self.fields["department"])
            field.queryset = Department.objects.filter(pk__in=acting)

    def clean_sampling_ratio(self):
        ratio = self.cleaned_data["sampling_ratio"]
        if ratio is None or not (0 <= ratio <= 1):
            raise forms.ValidationError(_("抽查比例须在 0 到 1 之间。"))
        return ratio

    def clean_team_size(self):
        size = self.cleaned_data["team_size"]
        if size < 2:
            raise forms.ValidationError(_("每组检查人员不得少于 2 人。"))
        return size

    def clean(self):
        data = super().clean()
        weights: dict[str, str] = {}
        ratios: dict[str, str] = {}
        uncapped: list[str] = []
        for key, _label in RISK_CLASSES:
            weight = data.pop(f"weight_{key}", None)
            if weight is not None:
                weights[key] = str(weight.normalize())
            ratio = data.pop(f"ratio_{key}", None)
            if ratio is not None:
                ratios[key] = str(ratio.normalize())
            if data.pop(f"uncapped_{key}", False):
                uncapped.append(key)
        data["risk_weights"] = weights
        data["class_ratios"] = ratios
        data["uncapped_classes"] = uncapped
        return data


class RedrawForm(forms.Form):
    reason = forms.CharField(
        label=_("重新抽取原因"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )


class InspectionCreateForm(forms.Form):
    institution = forms.ModelChoiceField(queryset=Institution.objects.none(), label=_("检查对象"))
    kind = forms.ChoiceField(
        choices=[c for c in InspectionKind.choices if c[0] != InspectionKind.ROUTINE], label=_("检查类型")
    )
    team = forms.ModelMultipleChoiceField(
        queryset=Inspector.objects.none(), label=_("检查人员"), widget=forms.CheckboxSelectMultiple
    )
    partner_departments = forms.ModelMultipleChoiceField(
        queryset=Department.objects.all(),
        required=False,
        label=_("联合检查部门"),
        widget=forms.CheckboxSelectMultiple,
    )
    scheduled_on = forms.DateField(label=_("计划检查日期"), required=False, widget=IsoDateInput)
    previous = forms.ModelChoiceField(
        queryset=Inspection.objects.none(), required=False, label=_("原检查（复查时必选）")
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["institution"]).queryset = Institution.objects.visible_to(
            user
        ).order_by("name")
        cast(forms.ModelMultipleChoiceField, self.fields["team"]).queryset = Inspector.objects.visible_to(
            user
        ).filter(active=True)
        previous = Inspection.objects.visible_to(user).filter(status__in=["closed", "published"])
        cast(forms.ModelChoiceField, self.fields["previous"]).queryset = previous.select_related(
            "institution"
        ).order_by("-inspected_on", "-pk")


class SignForm(forms.Form):
    name = forms.CharField(label=_("机构签字人姓名"), max_length=50)
    acknowledged = forms.BooleanField(label=_("机构代表已知悉并确认检查结果"), required=True)


class RefusalForm(forms.Form):
    name = forms.CharField(label=_("拒绝签字的机构代表"), max_length=50)
    witness = forms.CharField(label=_("见证人"), max_length=50)
    note = forms.CharField(
        label=_("拒签情况说明"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ConfirmForm(forms.Form):
    inspector = forms.ModelChoiceField(queryset=Inspector.objects.none(), label=_("检查人员"))

    def __init__(self, *args: Any, inspection: Inspection | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if inspection is not None:
            cast(forms.ModelChoiceField, self.fields["inspector"]).queryset = inspection.team.all()


class CloseForm(forms.Form):
    inspected_on = forms.DateField(label=_("检查日期"), widget=IsoDateInput)
    note = forms.CharField(label=_("检查情况"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    beds_found = forms.IntegerField(label=_("现场核实床位数"), min_value=0, required=False)


class PublishForm(forms.Form):
    summary = forms.CharField(
        label=_("公开摘要（不得含个人信息）"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )


class ItemResultChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.item.title}（{obj.get_outcome_display()}）"


class EvidenceForm(forms.Form):
    photo = forms.FileField(
        label=_("现场照片"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    caption = forms.CharField(label=_("说明"), max_length=200, required=False)
    item_result = ItemResultChoiceField(
        queryset=ItemResult.objects.none(),
        required=False,
        label=_("关联检查事项"),
        empty_label=_("（整体情况，不关联事项）"),
    )

    def __init__(self, *args: Any, inspection: Inspection | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if inspection is not None:
            field = cast(forms.ModelChoiceField, self.fields["item_result"])
            field.queryset = inspection.results.select_related("item").order_by("item__sort", "item__code")


class FindingForm(forms.Form):
    institution = forms.ModelChoiceField(queryset=Institution.objects.none(), label=_("机构"))
    domain = forms.ModelChoiceField(queryset=Domain.objects.all(), label=_("领域"))
    severity = forms.ChoiceField(choices=Severity.choices, label=_("隐患等级"))
    description = forms.CharField(label=_("问题描述"), widget=forms.Textarea(attrs={"rows": 3}))
    evidence_note = forms.CharField(label=_("证据"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    rectification_required = forms.CharField(
        label=_("整改要求"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    rectify_by = forms.DateField(label=_("整改期限"), required=False, widget=IsoDateInput)
    responsible_person = forms.CharField(label=_("机构责任人"), max_length=50, required=False)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["institution"]).queryset = Institution.objects.visible_to(
            user
        ).order_by("name")
