"""Forms of the referral pages (the services validate again; these give field-level messages)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from supervision.core.department_titles import official_names
from supervision.core.models import Department, Domain, Region
from supervision.core.widgets import IsoDateInput

IN = {"class": "form-control"}
SM = {"class": "form-select"}


class ReferralForm(forms.Form):
    """登记抄告: snapshot of the subject, the domain and (optionally) the receiving body."""

    post = forms.ChoiceField(label="抄告部门（我的岗位）", widget=forms.Select(attrs=SM))
    domain = forms.ModelChoiceField(
        Domain.objects.all(), label="问题所属领域", empty_label="请选择领域", widget=forms.Select(attrs=SM)
    )
    to_department = forms.ModelChoiceField(
        Department.objects.all(),
        label="接收部门",
        required=False,
        empty_label="按职责清单自动确定",
        widget=forms.Select(attrs=SM),
    )
    title = forms.CharField(label="抄告事由", max_length=200, widget=forms.TextInput(attrs=IN))
    institution_name = forms.CharField(
        label="机构名称", max_length=200, required=False, widget=forms.TextInput(attrs=IN)
    )
    credit_code = forms.CharField(
        label="统一社会信用代码", max_length=18, required=False, widget=forms.TextInput(attrs=IN)
    )
    description = forms.CharField(label="问题描述", widget=forms.Textarea(attrs={**IN, "rows": 4}))
    evidence_summary = forms.CharField(
        label="证据材料", required=False, widget=forms.Textarea(attrs={**IN, "rows": 2})
    )
    found_on = forms.DateField(
        label="发现日期",
        initial=timezone.localdate,
        widget=IsoDateInput(attrs=IN),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        from supervision.core import policy

        from .models import Referral

        super().__init__(*args, **kwargs)
        # The posts that may refer as their body (``Referral.write_rules``: acting posts and
        # liaisons; auditors read).
        self.posts = {
            f"{a.department_id}:{a.region_id}": a
            for a in user.active_assignments()
            if policy.can(user, Referral(from_department=a.department, from_region=a.region), "create")
        }
        names = official_names((a.department, a.region) for a in self.posts.values())
        self.fields["post"].choices = [  # type: ignore[attr-defined]
            (k, names[(a.department_id, a.region_id)]) for k, a in self.posts.items()
        ]

    def clean_found_on(self):
        value = self.cleaned_data["found_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("发现日期不能晚于今天。")
        return value

    def sender(self) -> tuple[Department, Region]:
        a = self.posts[self.cleaned_data["post"]]
        return a.department, a.region


class NoteForm(forms.Form):
    note = forms.CharField(label="意见", required=False, widget=forms.Textarea(attrs={**IN, "rows": 2}))


class RespondForm(forms.Form):
    action_taken = forms.CharField(label="采取的措施", widget=forms.Textarea(attrs={**IN, "rows": 3}))
    result = forms.CharField(label="处理结果", widget=forms.Textarea(attrs={**IN, "rows": 3}))
    on = forms.DateField(
        label="反馈日期",
        initial=timezone.localdate,
        widget=IsoDateInput(attrs=IN),
    )


class RerouteForm(forms.Form):
    to_department = forms.ModelChoiceField(
        Department.objects.all(), label="转办至", empty_label="请选择部门", widget=forms.Select(attrs=SM)
    )
    reason = forms.CharField(label="转办理由", widget=forms.Textarea(attrs={**IN, "rows": 2}))

    def __init__(self, *args: Any, domain: Domain | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if domain is not None:
            # Only the departments the matrix names for the domain.
            field: Any = self.fields["to_department"]
            field.queryset = Department.objects.filter(remits__domain=domain).distinct()
