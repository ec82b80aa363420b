"""The inspector directory kept by the county administrators (执法检查人员及执法证): add an
inspector, change the certificate (number, expiry), domains and whether in post. A section of
the county administration pages (registered here: the ground floor imports no inspections).
Writes go through ``inspector_save``: the policy (``Inspector.write_rules["manage"]``) first,
audited."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _

from supervision.core import policy
from supervision.core.audit import audit, create_audited
from supervision.core.models import Department, Domain, Region, RegionLevel, Role, User
from supervision.core.widgets import IsoDateInput
from supervision.countyadmin.sections import register_section

from .models import Inspector

FIELDS = ("name", "department", "region", "certificate_number", "certificate_expires", "active", "user")


def _admin_regions(user: Any) -> list[Region]:
    if getattr(user, "is_superuser", False):
        return list(Region.objects.filter(parent__isnull=True))
    return [a.region for a in user.active_assignments() if a.role == Role.ADMIN]


class InspectorForm(forms.ModelForm):
    class Meta:
        model = Inspector
        fields = [
            "name",
            "department",
            "region",
            "certificate_number",
            "certificate_expires",
            "domains",
            "active",
            "user",
        ]
        widgets = {"certificate_expires": IsoDateInput, "domains": forms.CheckboxSelectMultiple}
        help_texts = {
            "certificate_number": _("执法证上的证号，如 15371521001"),
            "user": _("本人有平台账号的，选择其账号"),
        }

    def __init__(self, *args: Any, regions: list[Region] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from django.db.models import Q

        inside = Q(pk__in=[])
        for region in regions or []:
            inside |= Q(code__startswith=region.prefix)
        places = Region.objects.filter(level__lte=RegionLevel.TOWNSHIP).filter(inside).order_by("code")
        if self.instance.pk:
            places = places | Region.objects.filter(pk=self.instance.region_id)
        self.fields["region"].queryset = places  # type: ignore[attr-defined]
        accounts = User.objects.filter(assignments__region__in=places, is_active=True).distinct()
        if self.instance.pk and self.instance.user_id:
            accounts = accounts | User.objects.filter(pk=self.instance.user_id)
        self.fields["user"].queryset = accounts.order_by("username")  # type: ignore[attr-defined]
        self.fields["user"].required = False
        self.fields["user"].empty_label = "（无平台账号）"  # type: ignore[attr-defined]
        self.fields["active"].label = "在岗（在岗且执法证有效的人员参与随机抽取）"
        self.fields["domains"].queryset = Domain.objects.order_by("code")  # type: ignore[attr-defined]
        self.fields["department"].queryset = Department.objects.all()  # type: ignore[attr-defined]
        for name, field in self.fields.items():
            if name in ("domains", "active"):
                field.widget.attrs.setdefault("class", "form-check-input")
                continue
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


def _require_place(actor: Any, inspector: Inspector) -> None:
    policy.require(actor, Inspector, "manage", department=inspector.department, region=inspector.region)


def inspector_save(actor: Any, inspector: Inspector, domains: list[Domain]) -> Inspector:
    """Create or change an inspector row (the policy on the row as it will be: department and
    region), with one audit entry."""
    with transaction.atomic():
        if inspector.pk is None:
            policy.require(
                actor, Inspector, "manage", department=inspector.department, region=inspector.region
            )
            inspector.full_clean(exclude=["domains"])
            create_audited(inspector, actor, "add_inspector")
        else:
            current = Inspector.objects.select_for_update().get(pk=inspector.pk)
            policy.require(actor, current, "manage")
            policy.require(
                actor, Inspector, "manage", department=inspector.department, region=inspector.region
            )
            inspector.full_clean(exclude=["domains"])
            changes = {f: (getattr(current, f), getattr(inspector, f)) for f in FIELDS}
            changes = {f: v for f, v in changes.items() if v[0] != v[1]}
            inspector.save()
            if changes:
                audit(inspector, actor, "change_inspector", changes)
        before = sorted(inspector.domains.values_list("code", flat=True)) if inspector.pk else []
        inspector.domains.set(domains)
        after = sorted(d.code for d in domains)
        if before != after:
            audit(inspector, actor, "set_domains", {"domains": ("、".join(before), "、".join(after))})
    return inspector


def _form_page(request: HttpRequest, instance: Inspector) -> HttpResponse:
    regions = _admin_regions(request.user)
    if not regions:
        raise policy.Denied("执法检查人员名录由县级管理员维护，您的岗位无权办理。")
    if instance.pk:
        policy.require(request.user, instance, "manage")
    form = InspectorForm(request.POST or None, instance=instance, regions=regions)
    if request.method == "POST" and form.is_valid():
        inspector = form.save(commit=False)
        try:
            inspector_save(request.user, inspector, list(form.cleaned_data["domains"]))
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request, f"已保存执法检查人员：{inspector.name}（{inspector.certificate_number}）"
            )
            return redirect("inspections:inspector_list")
    return render(request, "inspections/inspector_form.html", {"form": form, "inspector": instance})


@login_required
def inspector_new(request: HttpRequest) -> HttpResponse:
    return _form_page(request, Inspector())


@login_required
def inspector_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_page(request, get_object_or_404(Inspector.objects.visible_to(request.user), pk=pk))


def may_manage_inspectors(user: Any) -> bool:
    return policy.can_ever(user, Inspector, "manage")


register_section(
    "inspectors",
    "执法检查人员",
    "inspections:inspector_list",
    "执法检查人员名录库：新增人员，登记执法证号和有效期，调整检查领域和在岗状态。",
)
