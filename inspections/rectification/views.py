"""Staff pages of rectification (thin: scope, the write policy, form, one service call,
redirect). Every write asks ``policy.require`` before its form is read; a refusal propagates as
``Denied`` (403 with the Chinese reason); a service's ValidationError is shown on the form."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from inspections.models import Finding, FindingStatus
from institutions.models import Institution
from supervision.core import policy
from supervision.core.scoping import get_visible_or_404
from supervision.core.web import Column, ScopedDetailView, ScopedListView
from supervision.documents.services import documents_for
from supervision.files import store as files

from . import services
from .filters import ItemFilter, ListingFilter, NoticeFilter, PenaltyFilter, SuspensionFilter
from .forms import (
    AcceptForm,
    AppealForm,
    CloseForm,
    EndPublicationForm,
    ListingForm,
    PenaltyForm,
    ProgressForm,
    RejectForm,
    RespondForm,
)
from .models import (
    OPEN_ITEM_STATES,
    ItemResponse,
    ListedSupervision,
    NoticeItem,
    NoticeStatus,
    Penalty,
    PenaltyKind,
    RectificationNotice,
    SuspensionOrder,
    earliest_early_end,
)


def error_text(exc: ValidationError) -> str:
    return "；".join(str(m) for m in exc.messages)


def _form_errors(form: Any, exc: ValidationError) -> None:
    """A service's ValidationError on the form: per field where the form has it."""
    if hasattr(exc, "error_dict"):
        for field, errs in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, error_text(exc))


class _List(ScopedListView):
    template_name = "rectification/list.html"
    heading = ""
    columns: list[Column] = []

    # (model, action) of the list's "new" button, shown only to posts that could create one.
    create: tuple[type, str] | None = None

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["heading"] = self.heading
        ctx["today"] = timezone.localdate()
        if self.create is not None:
            ctx["may_create"] = policy.can_ever(self.request.user, *self.create)
        return ctx


# --- items ("my rectifications") and notices -----------------------------------------------------


class ItemListView(_List):
    """我的整改: items visible to the user, soonest due first (overdue in red)."""

    model = NoticeItem
    filterset_class = ItemFilter
    template_name = "rectification/item_list.html"
    heading = "整改事项"
    create = (RectificationNotice, "create")
    sortable = ("due", "state", "seq")
    default_ordering = (F("due").asc(nulls_last=True), "pk")  # type: ignore[assignment]
    export_name = "整改事项"
    export_columns = [
        ("通知书文号", "notice.number"),
        ("机构", "notice.institution.name"),
        ("序号", "seq"),
        ("问题", "problem"),
        ("法律依据", "legal_basis"),
        ("整改要求", "requirement"),
        ("整改截止日", "due"),
        ("状态", "get_state_display"),
    ]

    def base_queryset(self):
        return (
            NoticeItem.objects.filter(notice__status__in=[NoticeStatus.ISSUED, NoticeStatus.CLOSED])
            .with_clock()
            .select_related("notice__institution", "notice__issuing_department")
        )

    def get_filterset_kwargs(self, filterset_class: Any) -> dict[str, Any]:
        kwargs = super().get_filterset_kwargs(filterset_class)
        if not self.request.GET:
            kwargs["data"] = {"progress": "open"}
        return kwargs


class NoticeListView(_List):
    model = RectificationNotice
    filterset_class = NoticeFilter
    template_name = "rectification/notice_list.html"
    create = (RectificationNotice, "create")
    sortable = ("issued_on", "number", "status")
    export_name = "整改通知书"
    export_columns = [
        ("文号", "number"),
        ("机构", "institution.name"),
        ("统一社会信用代码", "institution.credit_code"),
        ("下达部门", "issuer_name"),
        ("下达日期", "issued_on"),
        ("状态", "get_status_display"),
        ("销号时间", "closed_at"),
    ]

    def base_queryset(self):
        return RectificationNotice.objects.select_related(
            "institution", "issuing_department", "issuing_region"
        )


class NoticeDetailView(ScopedDetailView):
    model = RectificationNotice
    template_name = "rectification/notice_detail.html"

    def base_queryset(self):
        return RectificationNotice.objects.select_related(
            "institution", "issuing_department", "issuing_region"
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        notice = self.object
        ctx["items"] = (
            notice.items.with_clock()
            .select_related("finding__domain")
            .prefetch_related("responses", "acceptances")
        )
        ctx["documents"] = documents_for(notice)
        ctx["order"] = SuspensionOrder.objects.filter(notice=notice).first()
        ctx["today"] = timezone.localdate()
        return ctx


def _candidate_findings(user: Any, institution: Institution):
    busy = NoticeItem.objects.filter(state__in=OPEN_ITEM_STATES, notice__status=NoticeStatus.ISSUED).values(
        "finding_id"
    )
    return (
        Finding.objects.visible_to(user)
        .filter(institution=institution, status=FindingStatus.OPEN)
        .exclude(pk__in=busy)
        .select_related("domain")
        .order_by("found_on", "pk")
    )


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@login_required
def notice_new(request: HttpRequest) -> HttpResponse:
    """Issue a notice from selected findings: choose the institution, tick its open findings,
    write basis/requirement/period per problem → a draft to preview and issue."""
    if request.method == "POST":
        # A create: the post gates before the input is read; the service judges the row.
        policy.require_ever(request.user, RectificationNotice, "create")
    inst_pk = _int(request.GET.get("institution") or request.POST.get("institution"))
    if inst_pk is None:
        institutions = (
            Institution.objects.filter(
                pk__in=Finding.objects.visible_to(request.user)
                .filter(status=FindingStatus.OPEN)
                .values("institution_id")
            )
            .select_related("region")
            .order_by("name")[:500]
        )
        return render(request, "rectification/notice_pick.html", {"institutions": institutions})
    institution = get_visible_or_404(Institution.objects.select_related("region"), request.user, pk=inst_pk)
    findings = list(_candidate_findings(request.user, institution))
    errors: list[str] = []
    # ``?finding=`` pre-ticks the problem the user came from (the finding page's button).
    chosen: set[int] = {int(v) for v in request.GET.getlist("finding") if v.isdigit()}
    if request.method == "POST":
        chosen = {int(v) for v in request.POST.getlist("finding") if v.isdigit()}
        by_pk = {f.pk: f for f in findings}
        specs = [
            services.ItemSpec(
                finding=by_pk[pk],
                legal_basis=request.POST.get(f"legal_basis_{pk}", ""),
                requirement=request.POST.get(f"requirement_{pk}", ""),
                period_workdays=_int(request.POST.get(f"period_{pk}")),
                due_date=_date(request.POST.get(f"due_{pk}"))
                if not request.POST.get(f"period_{pk}")
                else None,
            )
            for pk in sorted(chosen)
            if pk in by_pk
        ]
        try:
            notice = services.notice_create(
                institution,
                specs,
                actor=request.user,
                reconsideration_body=request.POST.get("reconsideration_body", ""),
                court=request.POST.get("court", ""),
            )
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, "已生成整改通知书草稿，请预览核对后下达。")
            return redirect("rectification:notice_detail", pk=notice.pk)
    post = request.POST
    rows = [
        {
            "f": f,
            "legal_basis": post.get(f"legal_basis_{f.pk}", ""),
            "requirement": post.get(f"requirement_{f.pk}", f.rectification_required or ""),
            "period": post.get(f"period_{f.pk}", "" if post else "10"),
            "due": post.get(f"due_{f.pk}", ""),
        }
        for f in findings
    ]
    return render(
        request,
        "rectification/notice_form.html",
        {"institution": institution, "rows": rows, "errors": errors, "chosen": chosen},
    )


@login_required
def notice_preview(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_visible_or_404(RectificationNotice.objects.all(), request.user, pk=pk)
    if request.GET.get("format") == "pdf":
        response = HttpResponse(services.notice_preview_pdf(notice), content_type="application/pdf")
        response["Content-Disposition"] = 'inline; filename="preview.pdf"'
        return response
    return HttpResponse(services.notice_preview_html(notice))


@login_required
@require_POST
def notice_issue(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_visible_or_404(RectificationNotice.objects.all(), request.user, pk=pk)
    policy.require(request.user, notice, "issue")
    try:
        notice = services.notice_issue(notice, actor=request.user)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, f"已下达 {notice.number}，整改期限已开始计算。")
    return redirect("rectification:notice_detail", pk=pk)


@login_required
@require_POST
def notice_discard(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_visible_or_404(RectificationNotice.objects.all(), request.user, pk=pk)
    policy.require(request.user, notice, "discard")
    try:
        services.notice_discard(notice, actor=request.user)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return redirect("rectification:notice_detail", pk=pk)
    messages.success(request, "草稿已删除。")
    return redirect("rectification:notice_list")


# --- one item: response and acceptance -----------------------------------------------------------


def _item(request: HttpRequest, pk: int) -> NoticeItem:
    return get_visible_or_404(
        NoticeItem.objects.with_clock().select_related(
            "notice__institution", "notice__issuing_department", "notice__issuing_region", "finding__domain"
        ),
        request.user,
        pk=pk,
    )


def _item_page(request: HttpRequest, item: NoticeItem, **forms: Any) -> HttpResponse:
    from supervision.deadlines.services import open_deadlines_for

    ctx = {
        "item": item,
        "notice": item.notice,
        "responses": item.responses.all(),
        "acceptances": item.acceptances.select_related("reinspection"),
        "clocks": open_deadlines_for(item),
        "respond_form": forms.get("respond_form") or RespondForm(),
        "accept_form": forms.get("accept_form") or AcceptForm(item=item),
        "reject_form": forms.get("reject_form") or RejectForm(item=item, prefix="r"),
        "today": timezone.localdate(),
    }
    return render(request, "rectification/item_detail.html", ctx, status=400 if forms else 200)


@login_required
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _item_page(request, _item(request, pk))


@login_required
@require_POST
def item_respond(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    policy.require(request.user, item, "respond")
    form = RespondForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data.get("evidence_file")
        try:
            services.item_respond(
                item,
                actor=request.user,
                action_taken=form.cleaned_data["action_taken"],
                evidence_text=form.cleaned_data["evidence_text"],
                evidence_name=upload.name if upload else "",
                evidence_data=upload or None,
                on=form.cleaned_data["responded_on"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "已登记整改报告，待复查验收。")
            return redirect("rectification:item_detail", pk=pk)
    return _item_page(request, item, respond_form=form)


def _verdict(request: HttpRequest, pk: int, reject: bool) -> HttpResponse:
    item = _item(request, pk)
    policy.require(request.user, item, "reject" if reject else "accept")
    form_class = RejectForm if reject else AcceptForm
    form = form_class(request.POST, item=item, prefix="r" if reject else None)
    if form.is_valid():
        data = form.cleaned_data
        kwargs: dict[str, Any] = {
            "actor": request.user,
            "acceptor": data["acceptor"],
            "observed": data["observed"],
            "reinspected_on": data["reinspected_on"],
            "reinspection": data["reinspection"],
        }
        try:
            if reject:
                services.item_reject(item, new_period_workdays=data.get("new_period_workdays"), **kwargs)
            else:
                services.item_accept(item, **kwargs)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "验收不通过，该问题继续整改。" if reject else "已签名验收通过。")
            return redirect("rectification:item_detail", pk=pk)
    return _item_page(request, item, **{"reject_form" if reject else "accept_form": form})


@login_required
@require_POST
def item_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _verdict(request, pk, reject=False)


@login_required
@require_POST
def item_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _verdict(request, pk, reject=True)


@login_required
def response_evidence(request: HttpRequest, pk: int) -> FileResponse | HttpResponse:
    response = ItemResponse.objects.filter(pk=pk).first()
    if response is None:
        raise Http404("未找到或无权查看")
    item = _item(request, response.item_id)  # scope check: 404 when the item is out of scope
    if request.method != "GET":
        # Evidence is attached with the report (item_respond); this URL only serves it. A write
        # to it is still asked of the policy first, so a refused persona learns why (403).
        policy.require(request.user, item, "respond")
        return HttpResponseNotAllowed(["GET"])
    if not response.evidence_path:
        raise Http404("未找到或无权查看")
    return files.download(response.evidence_path, filename=response.evidence_name or "evidence")


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


# --- listed supervision ------------------------------------------------------------------------


class ListingListView(_List):
    model = ListedSupervision
    filterset_class = ListingFilter
    template_name = "rectification/listing_list.html"
    sortable = ("deadline", "listed_on", "status")
    export_name = "挂牌督办"
    export_columns = [
        ("机构", "finding.institution.name"),
        ("重大隐患", "finding.description"),
        ("挂牌督办机关", "supervising_body"),
        ("承办部门", "department.name"),
        ("挂牌日期", "listed_on"),
        ("督办期限", "deadline"),
        ("状态", "get_status_display"),
        ("销号日期", "closed_on"),
    ]

    def base_queryset(self):
        return ListedSupervision.objects.with_clock().select_related("finding__institution", "department")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        findings: Any = Finding.objects.visible_to(self.request.user)
        unlisted = list(
            findings.major_open()
            .filter(listing__isnull=True)
            .select_related("institution__region", "supervising_department", "domain")[:50]
        )
        for f in unlisted:
            f.may_list = _may_list(self.request.user, f)
        ctx["unlisted"] = unlisted
        return ctx


def _may_list(user: Any, finding: Finding) -> bool:
    return policy.can(
        user,
        ListedSupervision,
        "open",
        region=finding.institution.region,
        department=finding.supervising_department,
        domain=finding.domain,
    )


@login_required
def listing_new(request: HttpRequest, finding_pk: int) -> HttpResponse:
    finding = get_visible_or_404(
        Finding.objects.select_related("institution__region", "supervising_department", "domain"),
        request.user,
        pk=finding_pk,
    )
    if request.method == "POST":
        policy.require(
            request.user,
            ListedSupervision,
            "open",
            region=finding.institution.region,
            department=finding.supervising_department,
            domain=finding.domain,
        )
    form = ListingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            listing = services.listing_open(finding, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            return redirect("rectification:listing_detail", pk=listing.pk)
    return render(request, "rectification/listing_form.html", {"form": form, "finding": finding})


class ListingDetailView(ScopedDetailView):
    model = ListedSupervision
    template_name = "rectification/listing_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx.setdefault("progress_form", ProgressForm())
        ctx.setdefault("close_form", CloseForm())
        return ctx


@login_required
@require_POST
def listing_progress(request: HttpRequest, pk: int) -> HttpResponse:
    listing = get_visible_or_404(ListedSupervision.objects.all(), request.user, pk=pk)
    policy.require(request.user, listing, "progress")
    form = ProgressForm(request.POST)
    if form.is_valid():
        try:
            services.listing_progress_add(
                listing,
                actor=request.user,
                text=form.cleaned_data["text"],
                on=form.cleaned_data["reported_on"],
            )
        except ValidationError as exc:
            messages.error(request, error_text(exc))
    else:
        messages.error(request, "请填写整改进展。")
    return redirect("rectification:listing_detail", pk=pk)


@login_required
@require_POST
def listing_close(request: HttpRequest, pk: int) -> HttpResponse:
    listing = get_visible_or_404(ListedSupervision.objects.all(), request.user, pk=pk)
    policy.require(request.user, listing, "close")
    try:
        services.listing_close(listing, actor=request.user, note=request.POST.get("note", ""))
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, "挂牌督办已销号。")
    return redirect("rectification:listing_detail", pk=pk)


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
