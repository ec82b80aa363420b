"""Staff pages of funds (thin: scope, the write policy, form, one service call, redirect).
Every write asks the policy before its form is read; a refusal is ``Denied`` (403 with the
Chinese reason); a service's ValidationError is shown as a message or on the form."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from supervision.core import policy
from supervision.core.models import Region
from supervision.core.scoping import get_visible_or_404
from supervision.core.web import Column, ScopedDetailView, ScopedListView
from supervision.files import store
from supervision.files.models import StoredFile

from . import services
from .filters import ClaimFilter, FlagFilter, ProgrammeFilter, RecoveryFilter, RoundFilter
from .forms import (
    ApproveForm,
    CheckForm,
    ClaimForm,
    CommitForm,
    FlagReviewForm,
    ImportForm,
    LineForm,
    PayForm,
    PenaltyDecisionForm,
    ProgrammeForm,
    RecoveryForm,
    RepaymentForm,
    ReviewForm,
    StatusImportForm,
)
from .models import (
    FlagStatus,
    FundFlag,
    ImportBatch,
    ImportKind,
    RecoveryOrder,
    SpotCheckItem,
    SpotCheckRound,
    SubsidyClaim,
    SubsidyProgramme,
)
from .services import imports
from .services.spotchecks import quarter_of, rerun


def error_text(exc: ValidationError) -> str:
    return "；".join(str(m) for m in exc.messages)


def _form_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errs in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, error_text(exc))


class _List(ScopedListView):
    heading = ""
    section = ""
    create: tuple[type, str] | None = None

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["heading"] = self.heading
        ctx["section"] = self.section
        if self.create is not None:
            ctx["may_create"] = policy.can_ever(self.request.user, *self.create)
        return ctx


# --- programmes ------------------------------------------------------------------------------------


class ProgrammeListView(_List):
    model = SubsidyProgramme
    filterset_class = ProgrammeFilter
    template_name = "funds/programme_list.html"
    heading = "补贴项目"
    section = "programmes"
    create = (SubsidyProgramme, "keep")
    sortable = ("name", "kind")
    default_ordering = ("region__code", "kind", "name")
    export_name = "补贴项目"
    export_columns: list[Column] = [
        ("项目名称", "name"),
        ("补贴类别", "get_kind_display"),
        ("实施地区", "region.name"),
        ("补贴标准（元）", lambda p: float(p.unit_amount)),
        ("政策依据", "legal_basis"),
        ("依据文件", "source_document"),
        ("有效", lambda p: "是" if p.active else "否"),
    ]

    def base_queryset(self):
        return SubsidyProgramme.objects.select_related("region").prefetch_related("budgets")


@login_required
def programme_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    programme = get_visible_or_404(SubsidyProgramme.objects.all(), request.user, pk=pk) if pk else None
    if request.method == "POST":
        if programme is not None:
            policy.require(request.user, programme, "keep")
        else:
            policy.require_ever(request.user, SubsidyProgramme, "keep")
    form = ProgrammeForm(request.POST or None, instance=programme, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.programme_save(request.user, form.instance, created=programme is None)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "补贴项目已保存。")
            return redirect("funds:programme_list")
    return render(
        request, "funds/programme_form.html", {"form": form, "programme": programme, "section": "programmes"}
    )


# --- claims ------------------------------------------------------------------------------------------


class ClaimListView(_List):
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
            _form_errors(form, exc)
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


def _claim(request: HttpRequest, pk: int, action: str) -> SubsidyClaim:
    claim = get_visible_or_404(
        SubsidyClaim.objects.select_related("programme", "institution"), request.user, pk=pk
    )
    policy.require(request.user, claim, action)
    return claim


def _run(request: HttpRequest, fn: Any, success: str) -> bool:
    try:
        fn()
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return False
    messages.success(request, success)
    return True


@login_required
@require_POST
def claim_add_line(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim(request, pk, "file")
    form = LineForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请完整填写申报明细。")
    else:
        _run(
            request,
            lambda: services.claim_add_lines(request.user, claim, [form.cleaned_data]),
            "已添加一条明细。",
        )
    return redirect("funds:claim_detail", pk=pk)


@login_required
@require_POST
def claim_submit(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim(request, pk, "file")
    submitted = _run(request, lambda: services.claim_submit(request.user, claim), "已提交民政部门审核。")
    if submitted and claim.flags.exclude(status=FlagStatus.CLOSED).exists():
        messages.warning(request, "疑点规则发现问题，已生成资金疑点，请先复核。")
    return redirect("funds:claim_detail", pk=pk)


@login_required
@require_POST
def claim_review(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim(request, pk, "review")
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择审核意见。")
    else:
        d = form.cleaned_data
        _run(
            request,
            lambda: services.claim_review(request.user, claim, decision=d["decision"], note=d["note"]),
            "审核意见已登记。",
        )
    return redirect("funds:claim_detail", pk=pk)


@login_required
@require_POST
def claim_approve(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim(request, pk, "approve")
    form = ApproveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择审批意见。")
    else:
        d = form.cleaned_data
        _run(
            request,
            lambda: services.claim_approve(
                request.user, claim, decision=d["decision"], amount=d["amount"], note=d["note"]
            ),
            "审批意见已登记。",
        )
    return redirect("funds:claim_detail", pk=pk)


@login_required
@require_POST
def claim_pay(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim(request, pk, "pay")
    form = PayForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写拨付日期和凭证号。")
    else:
        d = form.cleaned_data
        _run(
            request,
            lambda: services.claim_pay(
                request.user, claim, paid_on=d["paid_on"], reference=d["reference"], amount=d["amount"]
            ),
            "已登记拨付。",
        )
    return redirect("funds:claim_detail", pk=pk)


@login_required
@require_POST
def claim_import(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim(request, pk, "file")
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
    county = _user_county(request.user)
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
            _form_errors(form, exc)
        else:
            return redirect("funds:batch_detail", pk=batch.pk)
    recent = ImportBatch.objects.visible_to(request.user).filter(kind=ImportKind.STATUS_LIST)[:10]
    return render(
        request,
        "funds/status_import.html",
        {"form": form, "recent": recent, "county": county, "section": "flags"},
    )


def _user_county(user: Any) -> Region | None:
    for a in user.active_assignments():
        region = a.region
        if region.level == 3:
            return region
        for node in region.ancestors():
            if node.level == 3:
                return node
    return Region.objects.filter(level=3).first() if user.is_superuser else None


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
    batch = get_visible_or_404(ImportBatch.objects.all(), request.user, pk=pk)
    policy.require(request.user, batch, "import")
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
    batch = get_visible_or_404(ImportBatch.objects.all(), request.user, pk=pk)
    policy.require(request.user, batch, "import")
    _run(request, lambda: imports.import_discard(request.user, batch), "已放弃本次导入，未写入任何数据。")
    return redirect("funds:batch_detail", pk=pk)


# --- flags ---------------------------------------------------------------------------------------------


class FlagListView(_List):
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
    flag = get_visible_or_404(FundFlag.objects.all(), request.user, pk=pk)
    policy.require(request.user, flag, "review")
    form = FlagReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择复核结论并填写复核说明。")
    else:
        d = form.cleaned_data
        _run(
            request,
            lambda: services.flag_review(flag, request.user, outcome=d["outcome"], note=d["note"]),
            "疑点已复核办结。",
        )
    return redirect("funds:flag_detail", pk=pk)


# --- spot checks ------------------------------------------------------------------------------------


class RoundListView(_List):
    model = SpotCheckRound
    filterset_class = RoundFilter
    template_name = "funds/round_list.html"
    heading = "季度抽查"
    section = "rounds"
    sortable = ("year", "quarter", "status")
    default_ordering = ("-year", "-quarter", "region__code")
    export_name = "补贴资金季度抽查"
    export_columns: list[Column] = [
        ("地区", "region.name"),
        ("年度", "year"),
        ("季度", "quarter"),
        ("状态", "get_status_display"),
        ("抽查比例", lambda r: float(r.ratio)),
        ("抽中申报数", "item_count"),
    ]

    def base_queryset(self):
        return SpotCheckRound.objects.select_related("region").annotate(item_count=Count("items"))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        county = _user_county(self.request.user)
        ctx["county"] = county
        ctx["may_open"] = county is not None and policy.can(
            self.request.user, SpotCheckRound, "check", region=county
        )
        ctx["year"], ctx["quarter"] = quarter_of(timezone.localdate())
        return ctx


@login_required
@require_POST
def round_open(request: HttpRequest) -> HttpResponse:
    county = _user_county(request.user)
    if county is None:
        messages.error(request, "您的岗位不在县级辖区，不能开展季度抽查。")
        return redirect("funds:round_list")
    policy.require(request.user, SpotCheckRound, "check", region=county)
    year, quarter = quarter_of(timezone.localdate())
    round_ = services.spot_check_open(county, year, quarter, actor=request.user)
    return redirect("funds:round_detail", pk=round_.pk)


class RoundDetailView(ScopedDetailView):
    model = SpotCheckRound
    template_name = "funds/round_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        r = self.object
        ctx["section"] = "rounds"
        ctx["may_check"] = policy.can(self.request.user, r, "check")
        ctx["items"] = r.items.select_related("claim", "claim__institution", "checked_by")
        ctx["commit_form"] = CommitForm(initial={"ratio": r.ratio})
        ctx["check_form"] = CheckForm(initial={"checked_on": timezone.localdate()})
        ctx["population"] = len(r.inputs.get("institutions", [])) if r.inputs else 0
        if r.status in ("drawn", "completed"):
            ctx["verified"] = rerun(r.seed, r.inputs) == r.result.get("drawn")
        return ctx


def _round(request: HttpRequest, pk: int) -> SpotCheckRound:
    r = get_visible_or_404(SpotCheckRound.objects.all(), request.user, pk=pk)
    policy.require(request.user, r, "check")
    return r


@login_required
@require_POST
def round_commit(request: HttpRequest, pk: int) -> HttpResponse:
    r = _round(request, pk)
    form = CommitForm(request.POST)
    if not form.is_valid():
        messages.error(request, "抽查比例须大于 0、不超过 1。")
    else:
        _run(
            request,
            lambda: services.spot_check_commit(r, actor=request.user, ratio=form.cleaned_data["ratio"]),
            "已公布抽取参数和随机种子承诺值，可以执行抽取。",
        )
    return redirect("funds:round_detail", pk=pk)


@login_required
@require_POST
def round_draw(request: HttpRequest, pk: int) -> HttpResponse:
    r = _round(request, pk)
    _run(request, lambda: services.spot_check_draw(r, actor=request.user), "已抽取，随机种子已公开，可复核。")
    return redirect("funds:round_detail", pk=pk)


@login_required
@require_POST
def item_check(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_visible_or_404(SpotCheckItem.objects.select_related("round"), request.user, pk=pk)
    policy.require(request.user, item, "check")
    form = CheckForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请填写核查结果和核查日期。")
    else:
        d = form.cleaned_data
        _run(
            request,
            lambda: services.spot_check_record(
                item,
                actor=request.user,
                result=d["result"],
                checked_on=d["checked_on"],
                beds_found=d["beds_found"],
                status_ok=d["status_ok"],
                staff_ok=d["staff_ok"],
                inspections_note=d["inspections_note"],
                note=d["note"],
                third_party=d["third_party"],
                third_party_conclusion=d["third_party_conclusion"],
                third_party_report=d["third_party_report"],
            ),
            "核查结果已登记。",
        )
    return redirect("funds:round_detail", pk=item.round_id)


@login_required
def item_report(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The third-party check report of a drawn claim, for those who see the spot check."""
    item = get_visible_or_404(SpotCheckItem.objects.all(), request.user, pk=pk)
    if not item.third_party_report:
        raise Http404("未上传第三方核查报告")
    stored = StoredFile.objects.filter(name=item.third_party_report).first()
    name = stored.original_name if stored is not None and stored.original_name else "第三方核查报告"
    return store.download(item.third_party_report, filename=name)


# --- recovery ------------------------------------------------------------------------------------------


class RecoveryListView(_List):
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
    claim = _claim(request, pk, "recover")
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
    order = get_visible_or_404(RecoveryOrder.objects.all(), request.user, pk=pk)
    policy.require(request.user, order, "repay")
    form = RepaymentForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写退回金额和退回日期。")
    else:
        d = form.cleaned_data
        _run(
            request,
            lambda: services.repayment_record(
                request.user, order, amount=d["amount"], paid_on=d["paid_on"], reference=d["reference"]
            ),
            "已登记退回资金。",
        )
    return redirect("funds:recovery_detail", pk=pk)


@login_required
@require_POST
def recovery_penalty(request: HttpRequest, pk: int) -> HttpResponse:
    order = get_visible_or_404(RecoveryOrder.objects.all(), request.user, pk=pk)
    policy.require(request.user, order, "keep")
    form = PenaltyDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写行政处罚决定书文号、处罚种类、处罚依据和决定日期。")
    else:
        d = form.cleaned_data
        _run(
            request,
            lambda: services.recovery_record_penalty(
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
