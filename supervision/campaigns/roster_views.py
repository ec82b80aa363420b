"""Staff pages of the liaison roster (联络员, with its Excel export) and the training quotas."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render

from supervision.core import policy
from supervision.core.web import ScopedListView
from supervision.publicity.masking import mask_phone

from . import services
from .filters import LiaisonFilter, QuotaFilter
from .forms import LiaisonForm, parse_post
from .roster import LiaisonOfficer, TrainingQuota, present_mobile
from .views import form_errors


class LiaisonList(ScopedListView):
    """联络员信息表 (004 附件2): 乡镇（街道）or department, 姓名, 职务, 联系方式; the mobile
    masked outside the administration, on the page and in the export alike."""

    model = LiaisonOfficer
    filterset_class = LiaisonFilter
    template_name = "campaigns/liaison_list.html"
    sortable = ("name",)
    default_ordering = ("region__code", "department_id", "pk")
    export_name = "liaison-officers"
    # Masked by default; ``dispatch`` shows the full mobile to the administration.
    export_columns = [
        ("乡镇（街道）或区划", "region.name"),
        ("部门", "department.name"),
        ("姓名", "name"),
        ("联系方式（手机）", lambda r: mask_phone(r.mobile)),
    ]

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        self.export_columns = [
            ("乡镇（街道）或区划", "region.name"),
            ("部门", "department.name"),
            ("专项行动", lambda r: r.campaign.title if r.campaign_id else "常设"),
            ("姓名", "name"),
            ("职务", "post"),
            ("办公电话", "office_phone"),
            ("联系方式（手机）", lambda r: present_mobile(user, r)),
        ]
        return super().dispatch(request, *args, **kwargs)

    def base_queryset(self) -> QuerySet:
        return LiaisonOfficer.objects.select_related("region", "department", "campaign")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["rows"] = [(r, present_mobile(user, r)) for r in ctx["object_list"]]
        ctx["may_record"] = policy.can_ever(user, LiaisonOfficer, "keep")
        return ctx


@login_required
def liaison_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        policy.require_ever(request.user, LiaisonOfficer, "keep")
    form = LiaisonForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        department, region = parse_post(d["post_body"])
        try:
            services.liaison_record(
                actor=request.user,
                region=region,
                department=department,
                campaign=d.get("campaign"),
                name=d["name"],
                post=d["post"],
                office_phone=d["office_phone"],
                mobile=d["mobile"],
            )
        except ValidationError as exc:
            form_errors(request, exc, form)
        else:
            messages.success(request, "已登记联络员。")
            return redirect("campaigns:liaisons")
    return render(request, "campaigns/liaison_form.html", {"form": form})


class QuotaList(ScopedListView):
    """培训任务分解表 (003 附件2) with the trainings counted so far, per county."""

    model = TrainingQuota
    filterset_class = QuotaFilter
    template_name = "campaigns/quota_list.html"
    default_ordering = ("programme", "region__code")
    export_name = "training-quotas"
    export_columns = [
        ("培训任务", "programme"),
        ("县（市、区）", "region.name"),
        ("任务数（人次）", "target"),
        ("起始日期", "period_start"),
        ("截止日期", "period_end"),
    ]

    def base_queryset(self) -> QuerySet:
        return TrainingQuota.objects.select_related("region")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        rows = services.quota_progress(ctx["object_list"], self.request.user)
        ctx["rows"] = rows
        ctx["total_target"] = sum(r.quota.target for r in rows)
        counted = [r.done for r in rows if r.done is not None]
        ctx["total_done"] = sum(counted) if counted else None
        return ctx
