"""Fund flags (资金疑点): the list (open ones first), a flag and its review."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from supervision.core import policy
from supervision.core.web import Column, ScopedDetailView

from .. import services
from ..filters import FlagFilter
from ..forms import FlagReviewForm
from ..models import FlagStatus, FundFlag
from .common import FundsList, acted_on, post_form


class FlagListView(FundsList):
    model = FundFlag
    filterset_class = FlagFilter
    template_name = "funds/flag_list.html"
    heading = "资金疑点"
    section = "flags"
    sortable = ("created_at", "status", "rule")
    default_ordering = ("-created_at", "-pk")
    export_name = "资金疑点"
    export_columns: list[Column] = [
        ("发现时间", lambda f: timezone.localtime(f.created_at).strftime("%Y-%m-%d %H:%M")),
        ("机构", "institution.name"),
        ("规则", "rule_label"),
        ("疑点说明", "reason"),
        ("补贴申报", lambda f: f.claim.number if f.claim_id else ""),
        ("状态", "get_status_display"),
        ("复核结论", "get_outcome_display"),
        ("复核说明", "outcome_note"),
    ]

    def base_queryset(self):
        return FundFlag.objects.select_related("institution", "claim")

    def get_filterset_kwargs(self, filterset_class: Any) -> dict[str, Any]:
        kwargs = super().get_filterset_kwargs(filterset_class)
        if not self.request.GET:
            kwargs["data"] = {"status": FlagStatus.OPEN}
        return kwargs


class FlagDetailView(ScopedDetailView):
    model = FundFlag
    template_name = "funds/flag_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["section"] = "flags"
        ctx["may_review"] = self.object.status != FlagStatus.CLOSED and policy.can(
            self.request.user, self.object, "review"
        )
        ctx["form"] = FlagReviewForm()
        return ctx


@login_required
@require_POST
def flag_review(request: HttpRequest, pk: int) -> HttpResponse:
    flag = acted_on(request, FundFlag.objects.all(), pk, "review")
    post_form(
        request,
        FlagReviewForm(request.POST),
        "请选择复核结论并填写复核说明。",
        lambda d: services.flag_review(flag, request.user, outcome=d["outcome"], note=d["note"]),
        "疑点已复核办结。",
    )
    return redirect("funds:flag_detail", pk=pk)
