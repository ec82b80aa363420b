"""Subsidy claims: the list, filing a claim, its detail page and its steps (lines, Excel import,
submit, 民政 review, 财政 approval and payment), and the import batches (claim lines, the
deceased/absent lists) with their preview, apply and discard."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from supervision.core import policy
from supervision.core.web import Column, ScopedDetailView

from .. import services
from ..filters import ClaimFilter
from ..forms import (
    ApproveForm,
    ClaimForm,
    ImportForm,
    LineForm,
    PayForm,
    RecoveryForm,
    ReviewForm,
    StatusImportForm,
)
from ..models import FlagStatus, ImportBatch, ImportKind, RecoveryOrder, SubsidyClaim
from ..services import imports
from .common import FundsList, acted_on, error_text, form_errors, post_form, run, user_county


class ClaimListView(FundsList):
    model = SubsidyClaim
    filterset_class = ClaimFilter
    template_name = "funds/claim_list.html"
    heading = "补贴申报"
    section = "claims"
    create = (SubsidyClaim, "file")
    sortable = ("number", "amount_claimed", "period_start", "status")
    default_ordering = ("-created_at", "-pk")
    export_name = "补贴申报"
    export_columns: list[Column] = [
        ("申报编号", "number"),
        ("机构", "institution.name"),
        ("统一社会信用代码", "institution.credit_code"),
        ("补贴项目", "programme.name"),
        ("申报期起", lambda c: f"{c.period_start:%Y-%m}"),
        ("申报期止", lambda c: f"{c.period_end:%Y-%m}"),
        ("申报金额（元）", lambda c: float(c.amount_claimed)),
        ("核定金额（元）", lambda c: float(c.amount_approved) if c.amount_approved is not None else ""),
        ("拨付日期", "paid_on"),
        ("状态", "get_status_display"),
        ("未办结疑点", "open_flags"),
    ]

    def base_queryset(self):
        return SubsidyClaim.objects.select_related("institution", "programme").annotate(
            open_flags=Count("flags", filter=~Q(flags__status=FlagStatus.CLOSED))
        )


@login_required
def claim_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        policy.require_ever(request.user, SubsidyClaim, "file")
    form = ClaimForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            claim = services.claim_create(
                request.user,
                programme=data["programme"],
                institution=data["institution"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                basis_note=data["basis_note"],
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, f"已建立申报 {claim.number}，请录入或导入申报明细后提交。")
            return redirect("funds:claim_detail", pk=claim.pk)
    return render(request, "funds/claim_form.html", {"form": form, "section": "claims"})


class ClaimDetailView(ScopedDetailView):
    model = SubsidyClaim
    template_name = "funds/claim_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("institution", "programme", "region")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        c, user = self.object, self.request.user
        ctx["section"] = "claims"
        ctx["lines"] = c.lines.all()[:500]
        ctx["line_count"] = c.lines.count()
        ctx["flags"] = c.flags.all()
        ctx["open_flags"] = [f for f in ctx["flags"] if f.status != FlagStatus.CLOSED]
        ctx["batches"] = c.imports.all()[:5]
        ctx["may_file"] = c.editable and policy.can(user, c, "file")
        ctx["may_review"] = c.status == "submitted" and policy.can(user, c, "review")
        ctx["may_approve"] = c.status == "reviewed" and policy.can(user, c, "approve")
        ctx["may_pay"] = c.status == "approved" and policy.can(user, c, "pay")
        ctx["may_recover"] = c.status == "paid" and policy.can(user, c, "recover")
        ctx["line_form"] = LineForm(initial={"month": c.period_start})
        ctx["import_form"] = ImportForm()
        ctx["review_form"] = ReviewForm()
        ctx["approve_form"] = ApproveForm(initial={"amount": c.amount_claimed})
        ctx["pay_form"] = PayForm(initial={"paid_on": timezone.localdate(), "amount": c.amount_approved})
        ctx["recovery_form"] = RecoveryForm()
        ctx["recovery"] = RecoveryOrder.objects.filter(claim=c).first()
        return ctx


def claim_for(request: HttpRequest, pk: int, action: str) -> SubsidyClaim:
    return acted_on(request, SubsidyClaim.objects.select_related("programme", "institution"), pk, action)


def claim_step(
    request: HttpRequest,
    pk: int,
    action: str,
    form_class: type,
    invalid: str,
    call: Callable[[SubsidyClaim, dict[str, Any]], Any],
    success: str,
) -> HttpResponse:
    """A step POSTed from the claim's page: the claim in scope that the user may ``action``, its
    form (``post_form``) calling the service with the claim and the cleaned data, back to the claim."""
    claim = claim_for(request, pk, action)
    post_form(request, form_class(request.POST), invalid, lambda d: call(claim, d), success)
    return redirect("funds:claim_detail", pk=pk)


@login_required
@require_POST
def claim_add_line(request: HttpRequest, pk: int) -> HttpResponse:
    return claim_step(
        request,
        pk,
        "file",
        LineForm,
        "请完整填写申报明细。",
        lambda c, d: services.claim_add_lines(request.user, c, [d]),
        "已添加一条明细。",
    )


@login_required
@require_POST
def claim_submit(request: HttpRequest, pk: int) -> HttpResponse:
    claim = claim_for(request, pk, "file")
    submitted = run(request, lambda: services.claim_submit(request.user, claim), "已提交民政部门审核。")
    if submitted and claim.flags.exclude(status=FlagStatus.CLOSED).exists():
        messages.warning(request, "疑点规则发现问题，已生成资金疑点，请先复核。")
    return redirect("funds:claim_detail", pk=pk)


@login_required
@require_POST
def claim_review(request: HttpRequest, pk: int) -> HttpResponse:
    return claim_step(
        request,
        pk,
        "review",
        ReviewForm,
        "请选择审核意见。",
        lambda c, d: services.claim_review(request.user, c, decision=d["decision"], note=d["note"]),
        "审核意见已登记。",
    )


@login_required
@require_POST
def claim_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return claim_step(
        request,
        pk,
        "approve",
        ApproveForm,
        "请选择审批意见。",
        lambda c, d: services.claim_approve(
            request.user, c, decision=d["decision"], amount=d["amount"], note=d["note"]
        ),
        "审批意见已登记。",
    )


@login_required
@require_POST
def claim_pay(request: HttpRequest, pk: int) -> HttpResponse:
    return claim_step(
        request,
        pk,
        "pay",
        PayForm,
        "请填写拨付日期和凭证号。",
        lambda c, d: services.claim_pay(
            request.user, c, paid_on=d["paid_on"], reference=d["reference"], amount=d["amount"]
        ),
        "已登记拨付。",
    )


@login_required
@require_POST
def claim_import(request: HttpRequest, pk: int) -> HttpResponse:
    claim = claim_for(request, pk, "file")
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择要导入的文件。")
        return redirect("funds:claim_detail", pk=pk)
    try:
        batch = imports.import_stage(
            request.user,
            kind=ImportKind.CLAIM_LINES,
            upload=form.cleaned_data["file"],
            region=claim.region,
            claim=claim,
        )
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return redirect("funds:claim_detail", pk=pk)
    return redirect("funds:batch_detail", pk=batch.pk)


@login_required
def status_import(request: HttpRequest) -> HttpResponse:
    """Upload a deceased/absent list for the user's county."""
    county = user_county(request.user)
    if request.method == "POST":
        policy.require_ever(request.user, ImportBatch, "import")
    form = StatusImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = imports.import_stage(
                request.user,
                kind=ImportKind.STATUS_LIST,
                upload=form.cleaned_data["file"],
                region=county,
                source=form.cleaned_data["source"],
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            return redirect("funds:batch_detail", pk=batch.pk)
    recent = ImportBatch.objects.visible_to(request.user).filter(kind=ImportKind.STATUS_LIST)[:10]
    return render(
        request,
        "funds/status_import.html",
        {"form": form, "recent": recent, "county": county, "section": "flags"},
    )


class BatchDetailView(ScopedDetailView):
    model = ImportBatch
    template_name = "funds/batch_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["section"] = "claims" if self.object.kind == ImportKind.CLAIM_LINES else "flags"
        ctx["may_apply"] = self.object.status == "preview" and policy.can(
            self.request.user, self.object, "import"
        )
        return ctx


@login_required
@require_POST
def batch_apply(request: HttpRequest, pk: int) -> HttpResponse:
    batch = acted_on(request, ImportBatch.objects.all(), pk, "import")
    try:
        n = imports.import_apply(request.user, batch)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return redirect("funds:batch_detail", pk=pk)
    messages.success(request, f"已导入 {n} 行。")
    if batch.claim_id:
        return redirect("funds:claim_detail", pk=batch.claim_id)
    return redirect("funds:batch_detail", pk=pk)


@login_required
@require_POST
def batch_discard(request: HttpRequest, pk: int) -> HttpResponse:
    batch = acted_on(request, ImportBatch.objects.all(), pk, "import")
    run(request, lambda: imports.import_discard(request.user, batch), "已放弃本次导入，未写入任何数据。")
    return redirect("funds:batch_detail", pk=pk)
