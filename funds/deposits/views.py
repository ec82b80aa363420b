"""Staff pages: escrow accounts, their balances, the resident fee ledger and its import, the
checks and their flags. Thin: every write asks the policy before reading the form, then calls
its service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from funds.models import FundFlag
from institutions.models import Institution
from supervision.core import policy
from supervision.core.scoping import get_visible_or_404
from supervision.core.web import ScopedListView
from supervision.deadlines.models import Deadline
from supervision.files import store

from . import services
from .filters import EscrowAccountFilter, FeeEntryFilter
from .forms import (
    AccountForm,
    BalanceForm,
    BalanceImportForm,
    FeeForm,
    FlagResponseForm,
    FlagReviewForm,
    LedgerImportForm,
    RefundForm,
)
from .models import EscrowAccount, FeeEntry
from .services.checks import RESPONSE_RULE

DEPOSIT_RULES = (
    "deposit.over_cap",
    "prepaid.over_months",
    "refund.late",
    "escrow.shortfall",
    "escrow.missing",
)


def _errors(request: HttpRequest, exc: ValidationError, form: Any = None) -> None:
    if form is not None and hasattr(exc, "error_dict"):
        for field, errs in exc.error_dict.items():
            target = field if field in form.fields else None
            for e in errs:
                form.add_error(target, e.messages[0] if hasattr(e, "messages") else str(e))
        return
    messages.error(request, "；".join(exc.messages))


def _lead_region(user: Any) -> Any:
    """The jurisdiction of the user's first civil-affairs acting post (where checks run)."""
    for post in user.active_assignments():
        if post.department.is_lead and post.role in policy.ACTING:
            return post.region
    return None


class AccountList(ScopedListView):
    model = EscrowAccount
    filterset_class = EscrowAccountFilter
    template_name = "deposits/account_list.html"
    sortable = ("opened_on", "institution__name")
    default_ordering = ("institution__name", "pk")
    export_name = "escrow-accounts"
    export_columns = [
        ("机构", "institution.name"),
        ("统一社会信用代码", "institution.credit_code"),
        ("所在地", "institution.region.name"),
        ("开户银行", "bank_name"),
        ("账户名称", "account_name"),
        ("账号（脱敏）", "masked_number"),
        ("开户日期", "opened_on"),
        ("状态", "get_status_display"),
        ("监管协议", lambda a: "已上传" if a.agreement_path else "未上传"),
    ]

    def base_queryset(self) -> QuerySet:
        return EscrowAccount.objects.select_related("institution", "institution__region")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["may_keep"] = policy.can_ever(user, EscrowAccount, "keep")
        ctx["check_region"] = _lead_region(user)
        ctx["open_flags"] = (
            FundFlag.objects.visible_to(user).exclude(status="closed").filter(rule__in=DEPOSIT_RULES).count()
        )
        return ctx


@login_required
def account_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        policy.require_ever(request.user, EscrowAccount, "keep")
    form = AccountForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            account = services.account_open(
                institution=d["institution"],
                actor=request.user,
                bank_name=d["bank_name"],
                account_name=d["account_name"],
                account_number=d["account_number"],
                opened_on=d["opened_on"],
                agreement=d.get("agreement"),
            )
        except ValidationError as exc:
            _errors(request, exc, form)
        else:
            messages.success(request, f"已登记监管专户 {account}。")
            return redirect("deposits:account_detail", pk=account.pk)
    return render(request, "deposits/account_form.html", {"form": form})


def _account(request: HttpRequest, pk: int) -> EscrowAccount:
    return get_visible_or_404(
        EscrowAccount.objects.select_related("institution", "institution__region"), request.user, pk=pk
    )


def flags_with_clocks(user: Any, institution: Institution) -> list[FundFlag]:
    """The deposit flags of an institution with their response clock (two queries)."""
    flags = list(
        FundFlag.objects.visible_to(user)
        .filter(institution=institution, rule__in=DEPOSIT_RULES)
        .select_related("reviewed_by")
        .prefetch_related("deposit_responses")
        .order_by("status", "-created_at")
    )
    clocks = {
        d.object_id: d
        for d in Deadline.objects.filter(
            rule__code=RESPONSE_RULE, object_id__in=[f.pk for f in flags], content_type__model="fundflag"
        )
    }
    from .models import FlagEscalation

    escalated = set(FlagEscalation.objects.filter(flag__in=flags).values_list("flag_id", flat=True))
    for f in flags:
        f.clock = clocks.get(f.pk)  # type: ignore[attr-defined]
        f.escalated = f.pk in escalated  # type: ignore[attr-defined]
    return flags


def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(f"/accounts/login/?next={request.path}")
    account = _account(request, pk)
    institution = account.institution
    entries = (
        FeeEntry.objects.visible_to(request.user)
        .filter(institution=institution)
        .order_by("-received_on", "-pk")
    )
    held = services.held_by_institution(FeeEntry.objects.filter(institution=institution), _today()).get(
        institution.pk
    )
    ctx = {
        "account": account,
        "institution": institution,
        "balances": account.balances.select_related("reported_by")[:12],
        "entries": entries[:50],
        "entry_count": entries.count(),
        "held": held or 0,
        "flags": flags_with_clocks(request.user, institution),
        "balance_form": BalanceForm(),
        "response_form": FlagResponseForm(),
        "review_form": FlagReviewForm(),
        "may_keep": policy.can(request.user, account, "keep"),
        "may_check": policy.can(request.user, account, "check"),
    }
    return render(request, "deposits/account_detail.html", ctx)


def _today() -> Any:
    from django.utils import timezone

    return timezone.localdate()


@login_required
def agreement_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    account = _account(request, pk)
    if not account.agreement_path:
        return HttpResponse("未上传监管协议", status=404)
    return store.download(account.agreement_path, filename=account.agreement_name)


@login_required
@require_POST
def balance_new(request: HttpRequest, pk: int) -> HttpResponse:
    account = _account(request, pk)
    policy.require(request.user, account, "keep")
    form = BalanceForm(request.POST)
    if form.is_valid():
        try:
            services.balance_report(account, actor=request.user, **form.cleaned_data)
            messages.success(request, "已登记专户余额。")
        except ValidationError as exc:
            _errors(request, exc)
    else:
        messages.error(request, "；".join(str(m) for errs in form.errors.values() for m in errs))
    return redirect("deposits:account_detail", pk=pk)


@login_required
@require_POST
def account_close(request: HttpRequest, pk: int) -> HttpResponse:
    account = _account(request, pk)
    policy.require(request.user, account, "keep")
    services.account_close(account, actor=request.user)
    messages.success(request, "已撤销该监管专户。")
    return redirect("deposits:account_detail", pk=pk)


@login_required
@require_POST
def checks_run(request: HttpRequest) -> HttpResponse:
    """Run the checks over one institution (``institution``) or the user's jurisdiction."""
    inst_id = request.POST.get("institution", "")
    institution = None
    if inst_id:
        institution = get_visible_or_404(
            Institution.objects.select_related("region"), request.user, pk=inst_id if inst_id.isdigit() else 0
        )
        region = institution.region
    else:
        region = _lead_region(request.user)
        if region is None:
            policy.require_ever(request.user, EscrowAccount, "check")
            raise policy.Denied(
                "资金核查须由民政部门（牵头部门）的监管执法人员、领导或管理员办理，您的岗位无权办理。"
            )
    policy.require(request.user, EscrowAccount, "check", region=region)
    result = services.checks_run(
        actor=request.user, region=None if institution else region, institution=institution
    )
    if result.total_raised:
        messages.warning(request, f"资金核查完成：发现 {result.total_raised} 条新疑点，已开启机构说明时限。")
    else:
        messages.success(request, f"资金核查完成：未发现新疑点（已有未办结疑点 {result.again} 条）。")
    back = request.POST.get("next", "")
    return redirect(back if back.startswith("/funds/deposits/") else "deposits:flag_list")


class FlagList(ScopedListView):
    """The deposit checks' flags with their response clocks."""

    model = FundFlag
    template_name = "deposits/flag_list.html"
    filterset_class = None
    default_ordering = ("status", "-created_at", "-pk")
    export_name = "deposit-flags"
    export_columns = [
        ("机构", "institution.name"),
        ("疑点类型", "rule_label"),
        ("疑点说明", "reason"),
        ("状态", "get_status_display"),
        ("复核结论", "get_outcome_display"),
        ("发现时间", lambda f: f.created_at.strftime("%Y-%m-%d")),
    ]

    def base_queryset(self) -> QuerySet:
        return FundFlag.objects.filter(rule__in=DEPOSIT_RULES).select_related("institution", "region")

    def get_filterset_class(self) -> Any:
        from funds.deposits.filters import DepositFlagFilter

        return DepositFlagFilter

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        flags = list(ctx["object_list"])
        clocks = {
            d.object_id: d
            for d in Deadline.objects.filter(
                rule__code=RESPONSE_RULE, object_id__in=[f.pk for f in flags], content_type__model="fundflag"
            )
        }
        for f in flags:
            f.clock = clocks.get(f.pk)  # type: ignore[attr-defined]
        ctx["flags"] = flags
        ctx["check_region"] = _lead_region(self.request.user)
        return ctx


@login_required
@require_POST
def flag_respond(request: HttpRequest, pk: int) -> HttpResponse:
    flag = get_visible_or_404(FundFlag.objects.filter(rule__in=DEPOSIT_RULES), request.user, pk=pk)
    policy.require(request.user, flag, "review")
    form = FlagResponseForm(request.POST)
    if form.is_valid():
        try:
            services.flag_respond(flag, actor=request.user, text=form.cleaned_data["text"])
            messages.success(request, "已登记机构说明，说明时限已办结；请复核后办结疑点。")
        except ValidationError as exc:
            _errors(request, exc)
    else:
        messages.error(request, "请填写机构说明。")
    return _back_to_flag(flag)


@login_required
@require_POST
def flag_review(request: HttpRequest, pk: int) -> HttpResponse:
    """复核并办结 a deposit flag with an outcome (the shared ``flag_review`` service)."""
    from funds.services.flags import flag_review as review

    flag = get_visible_or_404(FundFlag.objects.filter(rule__in=DEPOSIT_RULES), request.user, pk=pk)
    policy.require(request.user, flag, "review")
    form = FlagReviewForm(request.POST)
    if form.is_valid():
        try:
            review(flag, request.user, outcome=form.cleaned_data["outcome"], note=form.cleaned_data["note"])
            messages.success(request, "疑点已办结。")
        except ValidationError as exc:
            _errors(request, exc)
    else:
        messages.error(request, "请选择复核结论并填写复核说明。")
    return _back_to_flag(flag)


def _back_to_flag(flag: FundFlag) -> HttpResponse:
    account = EscrowAccount.objects.filter(institution=flag.institution).order_by("pk").first()
    if account is not None:
        return redirect("deposits:account_detail", pk=account.pk)
    return redirect("deposits:flag_list")


# --- the fee ledger ------------------------------------------------------------------------------


class FeeList(ScopedListView):
    model = FeeEntry
    filterset_class = FeeEntryFilter
    template_name = "deposits/fee_list.html"
    sortable = ("received_on", "amount")
    default_ordering = ("-received_on", "-pk")
    export_name = "deposit-ledger"
    # Residents appear masked: an export leaves the department's control.
    export_columns = [
        ("机构", "institution.name"),
        ("类别", "get_kind_display"),
        ("老人姓名", lambda e: _mask_name(e.resident_name)),
        ("身份证号（脱敏）", "id_masked"),
        ("收取金额", "amount"),
        ("收取日期", "received_on"),
        ("月费用合计", "monthly_fee"),
        ("预收月数", "months_covered"),
        ("合同终止日期", "contract_ended_on"),
        ("已退金额", "refunded_amount"),
        ("退费日期", "refunded_on"),
    ]

    def base_queryset(self) -> QuerySet:
        return FeeEntry.objects.select_related("institution", "institution__region")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["may_keep"] = policy.can_ever(self.request.user, FeeEntry, "keep")
        return ctx


def _mask_name(name: str) -> str:
    from institutions.personal import mask_name

    return mask_name(name)


def _institution(request: HttpRequest, pk: int) -> Institution:
    return get_visible_or_404(Institution.objects.select_related("region"), request.user, pk=pk)


@login_required
def fee_new(request: HttpRequest, pk: int) -> HttpResponse:
    institution = _institution(request, pk)
    if request.method == "POST":
        policy.require(request.user, FeeEntry, "keep", region=institution.region)
    form = FeeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.fee_record(institution=institution, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _errors(request, exc, form)
        else:
            messages.success(request, "已登记。")
            return redirect(f"/funds/deposits/ledger/?q={institution.name}")
    return render(request, "deposits/fee_form.html", {"form": form, "institution": institution})


@login_required
@require_POST
def fee_refund(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_visible_or_404(FeeEntry.objects.select_related("institution__region"), request.user, pk=pk)
    policy.require(request.user, entry, "keep")
    form = RefundForm(request.POST)
    if form.is_valid():
        try:
            services.fee_refund(entry, actor=request.user, **form.cleaned_data)
            messages.success(request, "已登记退费。")
        except ValidationError as exc:
            _errors(request, exc)
    else:
        messages.error(request, "请填写累计已退金额和退费日期。")
    return redirect("deposits:fee_list")


@login_required
def ledger_import(request: HttpRequest, pk: int) -> HttpResponse:
    institution = _institution(request, pk)
    if request.method == "POST":
        policy.require(request.user, FeeEntry, "keep", region=institution.region)
    form = LedgerImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = services.ledger_import(
                form.cleaned_data["file"],
                institution=institution,
                actor=request.user,
                apply_good=form.cleaned_data["apply_good"],
            )
        except ValidationError as exc:
            _errors(request, exc, form)
        else:
            if result.applied:
                messages.success(
                    request, f"已导入 {result.written} 条记录（已存在未变 {result.unchanged} 条）。"
                )
    return render(
        request,
        "deposits/import_form.html",
        {"form": form, "result": result, "institution": institution, "what": "押金与预收费台账"},
    )


@login_required
def balance_import(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        policy.require_ever(request.user, EscrowAccount, "keep")
    form = BalanceImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = services.balance_import(
                form.cleaned_data["file"],
                actor=request.user,
                source=form.cleaned_data["source"],
                visible=EscrowAccount.objects.visible_to(request.user),
                apply_good=form.cleaned_data["apply_good"],
            )
        except ValidationError as exc:
            _errors(request, exc, form)
        else:
            if result.applied:
                messages.success(request, f"已导入 {result.written} 条余额。")
    return render(request, "deposits/import_form.html", {"form": form, "result": result, "what": "专户余额"})
