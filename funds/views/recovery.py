"""Recovery (追缴) of subsidies obtained by false claims: issuing the order from a paid claim,
the orders, repayments (partial ones too) and the penalty decision."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from supervision.core import policy
from supervision.core.web import Column, ScopedDetailView

from .. import services
from ..filters import RecoveryFilter
from ..forms import PenaltyDecisionForm, RecoveryForm, RepaymentForm
from ..models import RecoveryOrder
from .claims import claim_for
from .common import FundsList, acted_on, error_text, post_form


class RecoveryListView(FundsList):
    model = RecoveryOrder
    filterset_class = RecoveryFilter
    template_name = "funds/recovery_list.html"
    heading = "补贴追缴"
    section = "recovery"
    sortable = ("issued_on", "amount", "status")
    default_ordering = ("-issued_on", "-pk")
    export_name = "补贴追缴"
    export_columns: list[Column] = [
        ("机构", "institution.name"),
        ("补贴申报", "claim.number"),
        ("追缴金额（元）", lambda o: float(o.amount)),
        ("已退回（元）", lambda o: float(o.repaid or 0)),
        ("下达日期", "issued_on"),
        ("退回期限", "due_on"),
        ("状态", "get_status_display"),
        ("通知书文号", lambda o: o.document.number if o.document_id else ""),
        ("行政处罚决定书", "penalty_decision"),
    ]

    def base_queryset(self):
        return RecoveryOrder.objects.select_related("institution", "claim", "document").annotate(
            repaid=Sum("repayments__amount")
        )


class RecoveryDetailView(ScopedDetailView):
    model = RecoveryOrder
    template_name = "funds/recovery_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        o = self.object
        ctx["section"] = "recovery"
        ctx["repayments"] = o.repayments.all()
        ctx["may_repay"] = o.status != "repaid" and policy.can(self.request.user, o, "repay")
        ctx["may_keep"] = policy.can(self.request.user, o, "keep")
        ctx["repay_form"] = RepaymentForm(initial={"paid_on": timezone.localdate(), "amount": o.outstanding})
        ctx["penalty_form"] = PenaltyDecisionForm(initial={"decided_on": timezone.localdate()})
        return ctx


@login_required
@require_POST
def claim_recover(request: HttpRequest, pk: int) -> HttpResponse:
    claim = claim_for(request, pk, "recover")
    form = RecoveryForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请写明骗取补贴的事实。")
        return redirect("funds:claim_detail", pk=pk)
    try:
        order = services.recovery_issue(request.user, claim, facts=form.cleaned_data["facts"])
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return redirect("funds:claim_detail", pk=pk)
    messages.success(request, "已下达追缴补贴资金通知书，并记入信用记录。")
    return redirect("funds:recovery_detail", pk=order.pk)


@login_required
@require_POST
def recovery_repay(request: HttpRequest, pk: int) -> HttpResponse:
    order = acted_on(request, RecoveryOrder.objects.all(), pk, "repay")
    post_form(
        request,
        RepaymentForm(request.POST),
        "请填写退回金额和退回日期。",
        lambda d: services.repayment_record(
            request.user, order, amount=d["amount"], paid_on=d["paid_on"], reference=d["reference"]
        ),
        "已登记退回资金。",
    )
    return redirect("funds:recovery_detail", pk=pk)


@login_required
@require_POST
def recovery_penalty(request: HttpRequest, pk: int) -> HttpResponse:
    order = acted_on(request, RecoveryOrder.objects.all(), pk, "keep")
    post_form(
        request,
        PenaltyDecisionForm(request.POST),
        "请填写行政处罚决定书文号、处罚种类、处罚依据和决定日期。",
        lambda d: services.recovery_record_penalty(
            request.user,
            order,
            decision_number=d["decision_number"],
            kind=d["kind"],
            legal_basis=d["legal_basis"],
            decided_on=d["decided_on"],
            fine_amount=d["fine_amount"],
        ),
        "已登记行政处罚，并记入信用记录。",
    )
    return redirect("funds:recovery_detail", pk=pk)
