"""Staff forms. Each one collects input for exactly one service call (views stay thin)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supervision.core.models import RegionLevel
from supervision.core.querysets import regions_visible_to
from supervision.core.widgets import IsoDateInput, IsoDateTimeInput, iso_date_formfield

from .models import (
    DrillKind,
    IncidentKind,
    Institution,
    OnsiteResult,
    PlanKind,
    Post,
    Recipient,
    RegistrationAuthority,
    SkillLevel,
    Staff,
    StaffRole,
)
from .services import CHANGE_FILING_FIELDS, EDITABLE_FIELDS
from .validators import normalise_credit_code, validate_id_number

DATE = IsoDateInput()

DEFAULT_COMMITMENT = (
    "本机构承诺：按照建筑、消防、食品、医疗卫生、特种设备等法律法规和国家有关标准开展养老服务活动；"
    "备案材料真实、准确、完整；自觉接受民政等部门的监督检查和社会监督。"
    "如违反承诺，愿意承担相应法律责任，并同意将履约情况记入信用记录、向社会公开。"
)


class BootstrapMixin:
    """Bootstrap classes on every widget."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class InstitutionForm(BootstrapMixin, forms.ModelForm):
    """Create/edit the registry facts; the credit code is validated with its precise message."""

    class Meta:
        model = Institution
        fields = list(EDITABLE_FIELDS)
        formfield_callback = iso_date_formfield
        widgets = {
            "service_items": forms.Textarea(attrs={"rows": 3}),
            "fee_standards": forms.Textarea(attrs={"rows": 3}),
            "rules": forms.Textarea(attrs={"rows": 3}),
            "introduction": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region_field: Any = self.fields["region"]
        regions = regions_visible_to(user) if user is not None else region_field.queryset
        region_field.queryset = (
            regions.filter(level=RegionLevel.TOWNSHIP).select_related("parent").order_by("code")
        )
        region_field.label_from_instance = lambda r: (
            f"{r.code[:9]} {r.parent.name if r.parent else ''}{r.name}"
        )
        self.fields["credit_code"].help_text = _("18 位，未登记机构留空")

    def clean_credit_code(self) -> str | None:
        # Normalised here (not only in the service) so the uniqueness check sees the stored form.
        return normalise_credit_code(self.cleaned_data.get("credit_code") or "") or None


class FilingForm(BootstrapMixin, forms.Form):
    submitted_on = forms.DateField(label=_("备案日期"), widget=DATE, initial=timezone.localdate)
    applicant = forms.CharField(label=_("备案申请人"), max_length=100, required=False)
    certificate_number = forms.CharField(label=_("登记证书编号"), max_length=60)
    certificate_file = forms.FileField(label=_("登记证书扫描件"), required=False)
    commitment_text = forms.CharField(
        label=_("信用承诺书（将向社会公开）"),
        widget=forms.Textarea(attrs={"rows": 6}),
        initial=DEFAULT_COMMITMENT,
    )
    note = forms.CharField(label=_("备注"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ChangeFilingForm(BootstrapMixin, forms.ModelForm):
    submitted_on = forms.DateField(label=_("变更备案日期"), widget=DATE, initial=timezone.localdate)
    note = forms.CharField(label=_("变更说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    class Meta:
        model = Institution
        fields = list(CHANGE_FILING_FIELDS)
        widgets = {
            "service_items": forms.Textarea(attrs={"rows": 3}),
            "fee_standards": forms.Textarea(attrs={"rows": 3}),
        }


class OnsiteCheckForm(BootstrapMixin, forms.Form):
    checked_on = forms.DateField(label=_("核查日期"), widget=DATE, initial=timezone.localdate)
    inspectors = forms.CharField(label=_("核查人员"), max_length=200)
    result = forms.ChoiceField(label=_("核查结论"), choices=OnsiteResult.choices)
    notes = forms.CharField(label=_("情况说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class DiscoverUnfiledForm(BootstrapMixin, forms.Form):
    discovered_on = forms.DateField(label=_("发现日期"), widget=DATE, initial=timezone.localdate)
    residents = forms.IntegerField(label=_("在住老年人数"), min_value=0, required=False)
    note = forms.CharField(label=_("情况说明"), max_length=300, required=False)


class RegisterForm(BootstrapMixin, forms.Form):
    credit_code = forms.CharField(label=_("统一社会信用代码"), max_length=30)
    authority = forms.ChoiceField(
        label=_("登记管理机关"),
        choices=[c for c in RegistrationAuthority.choices if c[0] != RegistrationAuthority.NONE],
    )


class PersonFields(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(
        label=_("身份证号码"),
        max_length=20,
        validators=[validate_id_number],
        help_text=_("仅保存加密摘要和脱敏号码"),
    )


class AppointmentForm(BootstrapMixin, PersonFields):
    post = forms.ChoiceField(label=_("职务"), choices=Post.choices)
    started_on = forms.DateField(label=_("任职日期"), widget=DATE, initial=timezone.localdate)


class StaffForm(BootstrapMixin, PersonFields):
    role = forms.ChoiceField(label=_("岗位"), choices=StaffRole.choices)
    skill_level = forms.ChoiceField(label=_("护理员技能等级"), choices=SkillLevel.choices, required=False)
    hired_on = forms.DateField(label=_("入职日期"), widget=DATE, initial=timezone.localdate)
    certificate_name = forms.CharField(label=_("资格证书名称"), max_length=100, required=False)
    certificate_number = forms.CharField(label=_("证书编号"), max_length=60, required=False)
    certificate_expires_on = forms.DateField(label=_("证书有效期至"), widget=DATE, required=False)


class GradeRatingForm(BootstrapMixin, forms.Form):
    rated_on = forms.DateField(label=_("评定日期"), widget=DATE, initial=timezone.localdate)
    rated_by = forms.CharField(label=_("评定机构"), max_length=200, required=False)
    score_environment = forms.DecimalField(label=_("环境（满分 120）"), min_value=0, max_value=120)
    score_facilities = forms.DecimalField(label=_("设施设备（满分 130）"), min_value=0, max_value=130)
    score_management = forms.DecimalField(label=_("运营管理（满分 150）"), min_value=0, max_value=150)
    score_service = forms.DecimalField(label=_("服务（满分 600）"), min_value=0, max_value=600)


class DrillForm(BootstrapMixin, forms.Form):
    held_on = forms.DateField(label=_("演练日期"), widget=DATE, initial=timezone.localdate)
    kind = forms.ChoiceField(label=_("演练类型"), choices=DrillKind.choices)
    participants = forms.IntegerField(label=_("参加人数"), min_value=0, initial=0)
    participants_note = forms.CharField(label=_("参加人员"), max_length=300, required=False)
    notes = forms.CharField(label=_("演练情况"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class EmergencyPlanForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("预案类型"), choices=PlanKind.choices)
    title = forms.CharField(label=_("预案名称"), max_length=200)
    adopted_on = forms.DateField(label=_("制定日期"), widget=DATE, initial=timezone.localdate)
    summary = forms.CharField(label=_("主要内容"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ExitForm(BootstrapMixin, forms.Form):
    effective_on = forms.DateField(label=_("生效日期"), widget=DATE, initial=timezone.localdate)
    reason = forms.CharField(label=_("原因"), widget=forms.Textarea(attrs={"rows": 2}))
    residents_to_resettle = forms.IntegerField(label=_("需安置老年人数"), min_value=0, initial=0)
    resettlement_plan = forms.CharField(label=_("老年人安置方案"), widget=forms.Textarea(attrs={"rows": 3}))
    asset_disposal_plan = forms.CharField(
        label=_("财产处置方案（非营利性、公建民营机构终止时必填）"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


DATETIME = IsoDateTimeInput()


class IncidentReportForm(BootstrapMixin, forms.Form):
    """突发事件/疫情报告 (003 6., 002 (十二)): the departments actually told are ticked; the page
    then shows which required departments were not."""

    kind = forms.ChoiceField(label=_("事件类型"), choices=IncidentKind.choices)
    occurred_at = forms.DateTimeField(
        label=_("发生时间"), widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
    )
    reported_at = forms.DateTimeField(
        label=_("报告时间"), widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
    )
    summary = forms.CharField(label=_("事件概况"), widget=forms.Textarea(attrs={"rows": 3}))
    affected = forms.IntegerField(label=_("涉及人数"), min_value=0, initial=0)
    reported_to = forms.MultipleChoiceField(
        label=_("已报告部门"),
        choices=Recipient.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("勾选已实际报告的部门；未报告的应报部门将在机构页面上标红提示"),
    )
    measures = forms.CharField(
        label=_("已采取措施"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reported_to"].widget.attrs["class"] = "form-check-input"
        self.fields["summary"].error_messages["required"] = _("请填写事件概况。")
        self.fields["occurred_at"].error_messages["invalid"] = _("请填写有效的发生时间。")
        self.fields["reported_at"].error_messages["invalid"] = _("请填写有效的报告时间。")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        occurred, reported = data.get("occurred_at"), data.get("reported_at")
        if occurred and reported and reported < occurred:
            self.add_error("reported_at", _("报告时间不能早于发生时间。"))
        return data


class TrainingRecordForm(BootstrapMixin, forms.Form):
    """岗前培训/技能提升培训 of one of the institution's own staff."""

    staff = forms.ModelChoiceField(label=_("从业人员"), queryset=Staff.objects.none())
    course = forms.CharField(label=_("培训内容"), max_length=200)
    provider = forms.CharField(label=_("培训机构"), max_length=200, required=False)
    held_on = forms.DateField(label=_("培训日期"), widget=DATE, initial=timezone.localdate)
    hours = forms.DecimalField(label=_("学时"), min_value=0, max_digits=6, decimal_places=1, initial=0)

    def __init__(self, *args: Any, institution: Institution, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["staff"]
        field.queryset = (
            Staff.objects.filter(institution=institution, left_on__isnull=True)
            .select_related("person")
            .order_by("role", "pk")
        )
        field.label_from_instance = lambda s: (
            f"{s.person.name}（{s.person.id_masked}）· {s.get_role_display()}"
        )
        field.error_messages["invalid_choice"] = _("请选择本机构在岗的从业人员。")
        field.error_messages["required"] = _("请选择从业人员。")
        self.fields["course"].error_messages["required"] = _("请填写培训内容。")

    def clean_held_on(self) -> Any:
        held_on = self.cleaned_data["held_on"]
        if held_on and held_on > timezone.localdate():
            raise forms.ValidationError(_("培训日期不能晚于今天。"))
        return held_on
