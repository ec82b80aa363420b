"""Rectification items (my rectifications) and notices: lists, new notice, preview, issue, discard."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from inspections.models import Finding, FindingStatus
from institutions.models import Institution
from supervision.core import policy
from supervision.core.scoping import get_visible_or_404
from supervision.core.web import ScopedDetailView
from supervision.documents.services import documents_for

from .. import services
from ..filters import ItemFilter, NoticeFilter
from ..models import (
    OPEN_ITEM_STATES,
    NoticeItem,
    NoticeStatus,
    RectificationNotice,
    SuspensionOrder,
)
from .common import _List, error_text

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
