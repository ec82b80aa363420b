"""Staff pages of the reconciliation (thin: scope, form, one service call, redirect)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from supervision.core import policy
from supervision.core.models import SecurityEvent
from supervision.core.scoping import get_visible_or_404
from supervision.core.signals import record
from supervision.core.web import PolicyRequiredMixin, ScopedDetailView, ScopedListView, xlsx_response

from . import services
from .filters import RowFilter, RunFilter, WorkItemFilter
from .forms import MappingForm, UploadForm, VerifyForm
from .models import (
    FIELDS,
    Classification,
    ReconciliationRow,
    ReconciliationRun,
    ReviewState,
    RunStatus,
    WorkItem,
)


class RunListView(ScopedListView):
    model = ReconciliationRun
    filterset_class = RunFilter
    template_name = "reconciliation/run_list.html"
    default_ordering = ("-created_at", "-pk")

    def base_queryset(self) -> QuerySet:
        return ReconciliationRun.objects.select_related("source", "region", "uploaded_by")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        can_upload = policy.can_ever(self.request.user, ReconciliationRun, "upload")
        return {**super().get_context_data(**kwargs), "can_upload": can_upload}


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    # The page is only for those who may upload; the service judges the region of the post.
    policy.require_ever(request.user, ReconciliationRun, "upload")
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        source = form.cleaned_data["source"] or services.source_get_or_create(
            actor=request.user,
            name=form.cleaned_data["new_source_name"],
            authority=form.cleaned_data["authority"],
        )
        try:
            run = services.run_create(
                actor=request.user,
                source=source,
                upload=form.cleaned_data["file"],
                coverage=form.cleaned_data["coverage"],
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            return redirect("reconciliation:mapping", pk=run.pk)
    return render(request, "reconciliation/upload.html", {"form": form})


@login_required
def mapping(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_visible_or_404(
        ReconciliationRun.objects.select_related("source", "region"), request.user, pk=pk
    )
    if request.method == "POST":
        policy.require(request.user, run, "map")
    if run.status != RunStatus.MAPPING:
        return redirect("reconciliation:run", pk=run.pk)
    form = MappingForm(request.POST or None, headers=run.headers, initial_mapping=run.mapping)
    if request.method == "POST" and form.is_valid():
        try:
            services.run_confirm_mapping(run, actor=request.user, mapping=form.mapping())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("列映射已确认并保存，正在校验比对；完成后请核对预览再确认导入。"))
            return redirect("reconciliation:run", pk=run.pk)
    remembered = bool(run.source.column_mapping) and all(
        run.mapping.get(k) == v for k, v in run.source.column_mapping.items() if v in run.headers
    )
    return render(
        request,
        "reconciliation/mapping.html",
        {"run": run, "form": form, "remembered": remembered, "fields": FIELDS},
    )


class RunDetailView(ScopedDetailView):
    model = ReconciliationRun
    template_name = "reconciliation/run_detail.html"
    context_object_name = "run"

    def base_queryset(self) -> QuerySet:
        return ReconciliationRun.objects.select_related("source", "region", "uploaded_by")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        run: ReconciliationRun = self.object
        ctx["classes"] = run.file_counts()
        if run.status == RunStatus.PREVIEW:
            ctx["preview"] = services.run_preview(run)
        ctx["legacy_unregistered"] = run.counts.get(Classification.UNREGISTERED, 0)
        ctx["errors"] = list(
            ReconciliationRow.objects.filter(run=run, classification=Classification.ERROR).order_by(
                "row_number"
            )[:50]
        )
        # Matches are reviewed once the run is imported (a decision writes to the registry).
        ctx["review"] = (
            list(
                ReconciliationRow.objects.filter(run=run, review=ReviewState.PENDING)
                .select_related("candidate", "run__region", "run__department")
                .order_by("-confidence", "row_number")[:50]
            )
            if run.status == RunStatus.DONE
            else []
        )
        return ctx


@login_required
@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Apply a previewed run: only this creates registrations and work items."""
    run = get_visible_or_404(ReconciliationRun.objects.select_related("region"), request.user, pk=pk)
    policy.require(request.user, run, "confirm")
    try:
        services.run_confirm(run, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已确认导入，正在写入名录并派发核查任务。"))
    return redirect("reconciliation:run", pk=run.pk)


@login_required
@require_POST
def discard(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_visible_or_404(ReconciliationRun.objects.select_related("region"), request.user, pk=pk)
    policy.require(request.user, run, "discard")
    try:
        services.run_discard(run, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已放弃本次导入，名录和核查任务均未改动。"))
    return redirect("reconciliation:run", pk=run.pk)


@login_required
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The htmx-polled progress bar; once the run has finished the page reloads itself."""
    run = get_visible_or_404(ReconciliationRun.objects.all(), request.user, pk=pk)
    response = render(request, "reconciliation/_progress.html", {"run": run})
    if not run.is_running and request.GET.get("was") == "running":
        response["HX-Refresh"] = "true"
    return response


@login_required
def error_report(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_visible_or_404(ReconciliationRun.objects.all(), request.user, pk=pk)
    record(SecurityEvent.Kind.EXPORT, request, request.user, detail=f"reconciliation error report {run.pk}")
    stamp = timezone.localtime().strftime("%Y%m%d%H%M")
    return xlsx_response(
        f"登记数据错误报告-{run.pk}-{stamp}.xlsx",
        services.ERROR_REPORT_HEADERS,
        services.error_report_rows(run),
    )


class RowListView(ScopedListView):
    """All rows of one run (classification, match, confidence, errors) with export."""

    model = ReconciliationRow
    filterset_class = RowFilter
    template_name = "reconciliation/row_list.html"
    default_ordering = ("row_number", "pk")
    sortable = ("row_number", "confidence", "name")
    export_name = "登记数据比对结果"
    export_columns = [
        ("行号", "row_number"),
        ("统一社会信用代码", "credit_code"),
        ("名称", "name"),
        ("乡镇（街道）", "region.name"),
        ("乡镇由地址推断", lambda r: "是" if r.region_derived else ""),
        ("分类", "get_classification_display"),
        ("匹配方式", "get_match_method_display"),
        ("置信度", "confidence"),
        ("匹配机构", "institution.name"),
        ("复核", "get_review_display"),
        ("错误", lambda r: "；".join(f"{e['column']}：{e['reason']}" for e in r.errors)),
    ]

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated:
            self.run = get_visible_or_404(
                ReconciliationRun.objects.select_related("source"), request.user, pk=kwargs["pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    def base_queryset(self) -> QuerySet:
        return ReconciliationRow.objects.filter(run=self.run).select_related(
            "region", "institution", "candidate"
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "run": self.run}


@login_required
@require_POST
def review(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_visible_or_404(ReconciliationRow.objects.select_related("run__region"), request.user, pk=pk)
    policy.require(request.user, row, "review")
    accept = request.POST.get("decision") == "accept"
    try:
        services.row_review(row, actor=request.user, accept=accept)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, _("已确认匹配。") if accept else _("已否决匹配，按未匹配处理。"))
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        return redirect(back)
    return redirect("reconciliation:run", pk=row.run_id)


class WorkItemListView(ScopedListView):
    """核查任务: the township's worklist; the county sees its townships' items and results."""

    model = WorkItem
    filterset_class = WorkItemFilter
    template_name = "reconciliation/item_list.html"
    default_ordering = ("result", "-created_at", "pk")
    sortable = ("name", "created_at", "verified_at", "region__code")
    export_name = "登记核查任务"
    export_columns = [
        ("机构名称", "name"),
        ("统一社会信用代码", "credit_code"),
        ("乡镇（街道）", "region.name"),
        ("比对分类", "get_classification_display"),
        ("待办事项", "get_action_display"),
        ("核实结果", "get_result_display"),
        ("核实情况说明", "notes"),
        ("核实人", "verified_by"),
        (
            "核实时间",
            lambda i: timezone.localtime(i.verified_at).strftime("%Y-%m-%d %H:%M") if i.verified_at else "",
        ),
    ]

    def base_queryset(self) -> QuerySet:
        return WorkItem.objects.select_related("region", "verified_by")


class WorkItemDetailView(PolicyRequiredMixin, ScopedDetailView):
    """A task and, for those the policy lets verify it, the form for the result. (The mixin
    leaves an anonymous request to the login redirect of ``ScopedDetailView``.)"""

    model = WorkItem
    template_name = "reconciliation/item_detail.html"
    context_object_name = "item"
    policy_action = "verify"

    def base_queryset(self) -> QuerySet:
        return WorkItem.objects.select_related("region", "row", "institution", "verified_by", "run__source")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        item: WorkItem = self.object
        ctx.setdefault("form", VerifyForm(initial={"result": item.result, "notes": item.notes}))
        return ctx

    def post(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object()
        form = VerifyForm(request.POST)
        if form.is_valid():
            try:
                services.work_item_verify(
                    self.object,
                    actor=request.user,
                    result=form.cleaned_data["result"],
                    notes=form.cleaned_data["notes"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("核实结果已保存，县级民政部门可见。"))
                return redirect("reconciliation:item", pk=self.object.pk)
        return self.render_to_response(self.get_context_data(form=form))


def worklist_panel(request: Any) -> dict[str, Any] | None:
    """Workbench: open verification tasks in the user's jurisdiction."""
    if not request.user.is_authenticated:
        return None
    n = WorkItem.objects.visible_to(request.user).filter(result="").count()
    if not n:
        return None
    return {"template": "reconciliation/_panel.html", "context": {"open_items": n}, "order": 40}
