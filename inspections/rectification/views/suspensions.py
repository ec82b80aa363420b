"""Suspension orders (责令停业整顿): list, detail and approval."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from supervision.core import policy
from supervision.core.scoping import get_visible_or_404
from supervision.core.web import ScopedDetailView

from .. import services
from ..filters import SuspensionFilter
from ..models import (
    SuspensionOrder,
)
from .common import _List, error_text

# --- suspension orders -------------------------------------------------------------------------


class SuspensionListView(_List):
    model = SuspensionOrder
    filterset_class = SuspensionFilter
    template_name = "rectification/suspension_list.html"
    sortable = ("drafted_at", "status")
    export_name = "责令停业整顿"
    export_columns = [
        ("文号", "number"),
        ("机构", "notice.institution.name"),
        ("整改通知书", "notice.number"),
        ("状态", "get_status_display"),
        ("起草时间", "drafted_at"),
        ("批准时间", "approved_at"),
    ]

    def base_queryset(self):
        return SuspensionOrder.objects.select_related("notice__institution", "notice__issuing_department")


class SuspensionDetailView(ScopedDetailView):
    model = SuspensionOrder
    template_name = "rectification/suspension_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        from supervision.referrals.services import referrals_for

        ctx = super().get_context_data(**kwargs)
        ctx["preview_html"] = services.suspension_preview_html(self.object)
        ctx["referrals"] = referrals_for(self.object).select_related("to_department")
        ctx["compulsory"] = services.compulsory_departments(self.object)
        return ctx


@login_required
@require_POST
def suspension_approve(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_visible_or_404(SuspensionOrder.objects.all(), request.user, pk=pk)
    policy.require(request.user, order, "approve")
    try:
        order = services.suspension_approve(order, actor=request.user)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, f"已批准 {order.number}。")
    return redirect("rectification:suspension_detail", pk=pk)
