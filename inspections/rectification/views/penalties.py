"""Penalties: list, detail, new decision, end of publication and appeal."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from inspections.models import Finding
from institutions.models import Institution
from supervision.core import policy
from supervision.core.scoping import get_visible_or_404
from supervision.core.web import ScopedDetailView

from .. import services
from ..filters import PenaltyFilter
from ..forms import (
    AppealForm,
    EndPublicationForm,
    PenaltyForm,
)
from ..models import (
    Penalty,
    PenaltyKind,
    earliest_early_end,
)
from .common import _form_errors, _List, error_text
from .notices import _int

# --- penalties ---------------------------------------------------------------------------------


class PenaltyListView(_List):
    model = Penalty
    filterset_class = PenaltyFilter
    template_name = "rectification/penalty_list.html"
    create = (Penalty, "create")
    sortable = ("decided_on", "decision_number", "fine_amount")
    export_name = "行政处罚"
    export_columns = [
        ("决定书文号", "decision_number"),
        ("当事机构", "institution.name"),
        ("统一社会信用代码", "institution.credit_code"),
        ("处罚种类", "get_kind_display"),
        ("罚款金额", lambda p: float(p.fine_amount) if p.fine_amount is not None else ""),
        ("处罚依据", "legal_basis"),
        ("决定日期", "decided_on"),
        ("处罚机关", "department.name"),
        ("复议诉讼状态", "get_appeal_status_display"),
        ("公示日期", "published_on"),
        ("公示截止日期", "published_until"),
    ]

    def base_queryset(self):
        return Penalty.objects.select_related("institution", "department")


class PenaltyDetailView(ScopedDetailView):
    model = Penalty
    template_name = "rectification/penalty_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["appeal_form"] = AppealForm(initial={"appeal_status": self.object.appeal_status})
        ctx["today"] = timezone.localdate()
        ctx["revoked"] = self.object.is_revoked
        p = self.object
        # 信用修复 applications filed by the institution online (repair_views decides them)
        ctx["repair_applications"] = p.repair_applications.prefetch_related("attachments").select_related(
            "filed_by", "decided_by"
        )
        ctx["can_end_publication"] = (
            p.is_public(ctx["today"]) and p.kind != PenaltyKind.WARNING and p.published_until is not None
        )
        if ctx["can_end_publication"]:
            ctx["earliest_end"] = earliest_early_end(p.decided_on)
            ctx["end_form"] = EndPublicationForm(initial={"ended_on": max(ctx["today"], ctx["earliest_end"])})
        return ctx


@login_required
def penalty_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        # A create: the post gates before the input is read; the service judges the row.
        policy.require_ever(request.user, Penalty, "create")
    inst_pk = _int(request.GET.get("institution") or request.POST.get("institution"))
    code = (request.GET.get("credit_code") or "").strip().upper()
    if inst_pk is None and code:
        found = Institution.objects.visible_to(request.user).filter(credit_code=code).first()
        inst_pk = found.pk if found else None
        if found is None:
            messages.error(request, "未找到该统一社会信用代码对应的机构。")
    if inst_pk is None:
        return render(request, "rectification/penalty_pick.html", {})
    institution = get_visible_or_404(Institution.objects.all(), request.user, pk=inst_pk)
    findings = (
        Finding.objects.visible_to(request.user).filter(institution=institution).select_related("domain")
    )
    form = PenaltyForm(request.POST or None, initial={"institution": institution.pk})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = [f for f in findings if str(f.pk) in request.POST.getlist("finding")]
        try:
            penalty = services.penalty_record(
                institution,
                actor=request.user,
                decision_number=data["decision_number"],
                kind=data["kind"],
                facts=data["facts"],
                legal_basis=data["legal_basis"],
                decided_on=data["decided_on"],
                fine_amount=data["fine_amount"],
                confiscated=data["confiscated"],
                findings=chosen,
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "已登记行政处罚，并记入信用记录。")
            return redirect("rectification:penalty_detail", pk=penalty.pk)
    return render(
        request,
        "rectification/penalty_form.html",
        {"form": form, "institution": institution, "findings": findings},
    )


@login_required
@require_POST
def penalty_end_publication(request: HttpRequest, pk: int) -> HttpResponse:
    """信用修复: end the penalty's publication early (the service checks who, when and why)."""
    penalty = get_visible_or_404(Penalty.objects.all(), request.user, pk=pk)
    policy.require(request.user, penalty, "end_publication")
    form = EndPublicationForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写结束公示的日期和理由。")
        return redirect("rectification:penalty_detail", pk=pk)
    try:
        penalty = services.penalty_end_publication(
            penalty,
            actor=request.user,
            ended_on=form.cleaned_data["ended_on"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, f"已提前结束公示：自{penalty.publication_ended_on:%Y-%m-%d}起不再公示。")
    return redirect("rectification:penalty_detail", pk=pk)


@login_required
@require_POST
def penalty_appeal(request: HttpRequest, pk: int) -> HttpResponse:
    penalty = get_visible_or_404(Penalty.objects.all(), request.user, pk=pk)
    policy.require(request.user, penalty, "appeal")
    try:
        services.penalty_set_appeal(penalty, actor=request.user, status=request.POST.get("appeal_status", ""))
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    return redirect("rectification:penalty_detail", pk=pk)
