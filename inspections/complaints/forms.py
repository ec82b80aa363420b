from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import Q

from institutions.models import Institution
from supervision.core.models import Department, RegionLevel
from supervision.core.regionpicker import RegionPickerField
from supervision.core.widgets import IsoDateInput

from .models import Category, Outcome

PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
PUBLIC_STATUSES = ("filed", "registered_not_filed", "suspended")


def _style(form: forms.Form) -> None:
    for field in form.fields.values():
        if isinstance(field.widget, forms.HiddenInput):
            continue
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs.setdefault("class", css)


PLACE_LEVELS = (RegionLevel.COUNTY, RegionLevel.TOWNSHIP)
PLACE_LABEL = "发生地（县、市、区或乡镇、街道）"


def region_choices(public: bool = True) -> RegionPickerField:
    """The place of a complaint: the cascading region picker (省 → 市 → 县 → 乡镇), limited to
    the deployment's regions on the public form, to the user's jurisdiction on staff forms."""
    return RegionPickerField(
        label=PLACE_LABEL, public=public, levels=PLACE_LEVELS, check_scope=False, empty_label="请选择"
    )


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to ``services.MAX_PHOTOS`` photos; the private file store checks each one."""

    widget = MultiplePhotoInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        return [super(PhotosField, self).clean(f, initial) for f in files if f]


class ComplaintIntakeForm(forms.Form):
    """What a citizen (or a hotline operator) tells us. The institution is chosen by credit
    code (from its public page) or typed by name; an exact name match in the chosen place links it."""

    credit_code = forms.CharField(label="机构统一社会信用代码", max_length=18, required=False)
    institution_name = forms.CharField(label="被投诉机构名称", max_length=200, required=False)
    institution_address = forms.CharField(label="机构地址", max_length=300, required=False)
    region = region_choices()
    category = forms.ChoiceField(label="投诉类别", choices=Category.choices, required=False)
    content = forms.CharField(
        label="投诉内容",
        widget=forms.Textarea(attrs={"rows": 6}),
        min_length=10,
        max_length=4000,
        error_messages={
            "required": "请填写投诉内容。",
            "min_length": "投诉内容至少 10 个字，请说明时间、地点和具体问题。",
        },
    )
    photos = PhotosField(
        label="现场照片（选填，最多 3 张）",
        required=False,
        help_text="可用手机直接拍照上传；照片中的位置等信息会被去除，仅承办部门可见。",
    )
    anonymous = forms.BooleanField(
        label="匿名投诉（不留姓名和电话）",
        required=False,
        help_text="选择匿名后，不保存您的姓名和电话；承办部门无法与您联系核实，请尽量写清时间、地点和具体问题。",
    )
    name = forms.CharField(label="您的姓名（选填）", max_length=50, required=False)
    phone = forms.CharField(
        label="联系电话（选填）",
        max_length=30,
        required=False,
        help_text="仅用于承办部门联系您核实情况，不会公开。",
    )
    # Honeypot: hidden from people (CSS and aria-hidden), filled by naive bots.
    website = forms.CharField(label="网址", required=False)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.institution: Institution | None = None
        _style(self)
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        self.fields["photos"].widget.attrs.update(
            {"accept": "image/jpeg,image/png,image/webp", "capture": "environment", "class": "form-control"}
        )
        self.fields["anonymous"].widget.attrs.update({"class": "form-check-input", "data-anonymous": "1"})

    def clean_phone(self) -> str:
        phone = re.sub(r"\s", "", self.cleaned_data.get("phone", ""))
        if phone and not PHONE_RE.match(phone):
            raise forms.ValidationError("请填写正确的手机号码或固定电话（如 0635-1234567）。")
        return phone

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("website"):
            raise forms.ValidationError("提交失败，请刷新页面后重试。")
        code = (data.get("credit_code") or "").strip().upper()
        name = (data.get("institution_name") or "").strip()
        region = data.get("region")
        if data.get("anonymous"):
            data["name"] = data["phone"] = ""  # never kept, whatever was typed
        inst = None
        if code:
            inst = (
                Institution.objects.filter(credit_code=code, status__in=PUBLIC_STATUSES)
                .select_related("region")
                .first()
            )
            if inst is None:
                self.add_error(
                    "credit_code", "未找到该统一社会信用代码对应的机构，请核对或直接填写机构名称。"
                )
        elif name:
            qs = Institution.objects.filter(name=name, status__in=PUBLIC_STATUSES)
            if region is not None:
                qs = qs.filter(region__code__startswith=region.prefix)
            matches = list(qs.select_related("region")[:2])
            inst = matches[0] if len(matches) == 1 else None
        else:
            self.add_error("institution_name", "请填写被投诉机构名称。")
        if inst is None and region is None and not self.errors:
            self.add_error("region", "请选择发生地所在县（市、区）或乡镇（街道）。")
        elif (
            inst is None
            and region is not None
            and self.fields["region"].widget.public
            and not self._in_scope(region)
        ):
            self.add_error("region", "所选发生地不在本平台受理范围内，请拨打 12345 政务服务便民热线反映。")
        self.institution = inst
        return data

    def _in_scope(self, region: Any) -> bool:
        """A place typed on the public form must lie in the deployment's regions (staff forms
        leave it to the write policy, which judges the place with the post)."""
        widget = self.fields["region"].widget
        if not widget.public:
            return True
        roots = widget.roots()
        return roots is None or any(r.contains(region) for r in roots)

    def intake(self) -> dict[str, Any]:
        """The cleaned complaint, as the keyword arguments of the intake services."""
        d = self.cleaned_data
        extra: dict[str, Any] = {k: d[k] for k in ("anonymous", "photos") if k in self.fields}
        return {
            **extra,
            "content": d["content"],
            "region": d["region"],
            "institution": self.institution,
            "institution_name": d["institution_name"],
            "institution_address": d["institution_address"],
            "category": d["category"],
            "name": d["name"],
            "phone": d["phone"],
        }


class HotlineForm(ComplaintIntakeForm):
    hotline_number = forms.CharField(
        label="12345 工单号", max_length=40, error_messages={"required": "请填写 12345 工单号。"}
    )
    field_order = ["hotline_number"]

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("website", "photos", "anonymous"):
            del self.fields[name]
        self.fields["name"].label = "来电人姓名"
        self.fields["phone"].label = "来电号码"
        # the operator picks the place inside their own jurisdiction
        self.fields["region"] = region_choices(public=False).bind(user)


class ReferralIntakeForm(forms.Form):
    referral = forms.CharField(
        label="抄告函文号或编号",
        max_length=100,
        error_messages={"required": "请填写抄告函文号或编号。"},
        help_text="其他部门抄告的群众反映问题，登记为投诉后按职责清单分办。",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class ReassignForm(forms.Form):
    to_department = forms.ModelChoiceField(
        label="改派至部门", queryset=Department.objects.all(), empty_label="请选择"
    )
    to_region = RegionPickerField(
        label="承办辖区（留空为原辖区）",
        levels=(RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY),
        empty_label="原辖区",
    )
    reason = forms.CharField(
        label="改派理由",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请填写改派理由。"},
    )

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)
        self.fields["to_region"].bind(user)  # type: ignore[attr-defined]  # the user's jurisdiction, not all of China


class MergeForm(forms.Form):
    into_code = forms.CharField(
        label="合并到（主件查询码）", max_length=20, error_messages={"required": "请填写主件查询码。"}
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class ReplyForm(forms.Form):
    outcome = forms.ChoiceField(
        label="查证结论",
        choices=[("", "请选择"), *Outcome.choices],
        error_messages={"required": "请选择查证结论。", "invalid_choice": "查证结论无效。"},
    )
    findings = forms.CharField(
        label="核查情况",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "请填写核查情况。"},
    )
    reply = forms.CharField(
        label="答复意见（投诉人可见，不得包含个人信息）",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "请填写答复意见。"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)


class InspectionForm(forms.Form):
    team: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label="检查人员（至少 2 人）", queryset=None, widget=forms.SelectMultiple(attrs={"size": 6})
    )
    scheduled_on = forms.DateField(label="计划检查日期", required=False, widget=IsoDateInput)

    def __init__(self, *args: Any, complaint: Any = None, **kwargs: Any) -> None:
        from inspections.models import Inspector

        super().__init__(*args, **kwargs)
        qs = Inspector.objects.filter(active=True)
        if complaint is not None and complaint.handling_region is not None:
            qs = qs.filter(
                department=complaint.handling_department,
                region__code__startswith=complaint.handling_region.prefix[:4],
            )
            qs = qs.filter(
                Q(region__code__startswith=complaint.handling_region.prefix)
                | Q(region__level__lt=RegionLevel.COUNTY)
            )
        self.fields["team"].queryset = qs.order_by("name")  # type: ignore[attr-defined]
        _style(self)
