"""Staff pages of campaigns: list, create/edit, detail with phases, tasks and the progress board,
the task list, an assignment with its reports (submit, review) and the attachments."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from supervision.core import policy
from supervision.core.scoping import get_visible_or_404
from supervision.core.web import ScopedListView
from supervision.files import store

from . import services
from .filters import CampaignFilter, TaskFilter
from .forms import CampaignForm, PhaseForm, ReviewForm, SubmitForm, TaskForm, parse_post
from .models import (
    AssignmentState,
    Campaign,
    CampaignState,
    CampaignTask,
    TaskAssignment,
    TaskSubmission,
)


def form_errors(request: HttpRequest, exc: ValidationError, form: Any = None) -> None:
    """A service's refusal: on the form's fields where it names them, else as a message."""
    if form is not None and hasattr(exc, "error_dict"):
        for field, errs in exc.error_dict.items():
            target = field if field in form.fields else None
            for e in errs:
                form.add_error(target, e.messages[0] if hasattr(e, "messages") else str(e))
        return
    messages.error(request, "；".join(exc.messages))


class CampaignList(ScopedListView):
    model = Campaign
    filterset_class = CampaignFilter
    template_name = "campaigns/campaign_list.html"
    sortable = ("starts_on", "ends_on")
    default_ordering = ("-starts_on", "-pk")
    export_name = "campaigns"
    export_columns = [
        ("名称", "title"),
        ("类型", "get_kind_display"),
        ("组织部门", "organiser_name"),
        ("文号", "document_number"),
        ("开始日期", "starts_on"),
        ("结束日期", "ends_on"),
        ("状态", "get_state_display"),
    ]

    def base_queryset(self) -> QuerySet:
        return Campaign.objects.select_related("region", "department")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["may_create"] = policy.can_ever(self.request.user, Campaign, "manage")
        return ctx


class TaskList(ScopedListView):
    model = CampaignTask
    filterset_class = TaskFilter
    template_name = "campaigns/task_list.html"
    sortable = ("report_by",)
    default_ordering = ("report_by", "pk")
    export_name = "campaign-tasks"
    export_columns = [
        ("专项行动", "campaign.title"),
        ("序号", "number"),
        ("任务", "title"),
        ("牵头部门", "lead_department.name"),
        ("责任部门", lambda t: "、".join(d.name for d in t.responsible_departments.all())),
        ("报送时限", "report_by"),
    ]

    def base_queryset(self) -> QuerySet:
        return CampaignTask.objects.select_related("campaign", "lead_department", "phase").prefetch_related(
            "responsible_departments"
        )


def _campaign(request: HttpRequest, pk: int) -> Campaign:
    return get_visible_or_404(Campaign.objects.select_related("region", "department"), request.user, pk=pk)


def _save_campaign(request: HttpRequest, form: CampaignForm, campaign: Campaign | None) -> Campaign | None:
    d = form.cleaned_data
    fields = {k: d.get(k) or "" for k in services.CAMPAIGN_FIELDS}
    fields["starts_on"], fields["ends_on"] = d["starts_on"], d["ends_on"]
    try:
        if campaign is None:
            department, region = parse_post(d["post"])
            return services.campaign_create(
                actor=request.user, region=region, department=department, **fields
            )
        return services.campaign_edit(campaign, actor=request.user, **fields)
    except ValidationError as exc:
        form_errors(request, exc, form)
    return None


@login_required
def campaign_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        policy.require_ever(request.user, Campaign, "manage")
    form = CampaignForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        campaign = _save_campaign(request, form, None)
        if campaign is not None:
            messages.success(request, "已发起专项行动。下一步：新增阶段和任务，然后启动。")
            return redirect(campaign.get_absolute_url())
    return render(request, "campaigns/campaign_form.html", {"form": form, "campaign": None})


@login_required
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    if request.method == "POST":
        policy.require(request.user, campaign, "manage")
    initial = {k: getattr(campaign, k) for k in services.CAMPAIGN_FIELDS}
    form = CampaignForm(request.POST or None, user=request.user, campaign=campaign, initial=initial)
    if request.method == "POST" and form.is_valid() and _save_campaign(request, form, campaign) is not None:
        messages.success(request, "已保存。")
        return redirect(campaign.get_absolute_url())
    return render(request, "campaigns/campaign_form.html", {"form": form, "campaign": campaign})


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    base = TaskAssignment.objects.visible_to(request.user).filter(task__campaign=campaign)
    assignments = base.select_related("department", "region").with_clock()  # type: ignore[attr-defined]
    tasks = (
        CampaignTask.objects.visible_to(request.user)
        .filter(campaign=campaign)
        .select_related("lead_department", "phase")
        .prefetch_related(
            "responsible_departments", Prefetch("assignments", queryset=assignments, to_attr="shown")
        )
        .order_by("report_by", "pk")
    )
    may_manage = campaign.state != CampaignState.CLOSED and policy.can(request.user, campaign, "manage")
    ctx = {
        "campaign": campaign,
        "phases": campaign.phases.all(),
        "tasks": tasks,
        "by_region": services.board(base, "region"),
        "by_department": services.board(base, "department"),
        "may_manage": may_manage,
        "phase_form": PhaseForm() if may_manage else None,
    }
    return render(request, "campaigns/campaign_detail.html", ctx)


@login_required
@require_POST
def campaign_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    campaign = _campaign(request, pk)
    policy.require(request.user, campaign, "manage")
    try:
        if step == "launch":
            services.campaign_launch(campaign, actor=request.user)
            messages.success(request, "已启动：各承办单位的报送时限开始计时。")
        else:
            services.campaign_close(campaign, actor=request.user)
            messages.success(request, "专项行动已结束。")
    except ValidationError as exc:
        form_errors(request, exc)
    return redirect(campaign.get_absolute_url())


@login_required
@require_POST
def phase_new(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    policy.require(request.user, campaign, "manage")
    form = PhaseForm(request.POST)
    if form.is_valid():
        try:
            services.phase_add(campaign, actor=request.user, **form.cleaned_data)
            messages.success(request, "已新增阶段。")
        except ValidationError as exc:
            form_errors(request, exc)
    else:
        messages.error(request, "请填写阶段名称、开始日期和结束日期。")
    return redirect(campaign.get_absolute_url())


@login_required
def task_new(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    if request.method == "POST":
        policy.require(request.user, campaign, "manage")
    form = TaskForm(request.POST or None, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            services.task_add(campaign, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(request, exc, form)
        else:
            messages.success(request, "已新增任务，并分派给牵头部门和责任部门。")
            return redirect(campaign.get_absolute_url())
    return render(request, "campaigns/task_form.html", {"form": form, "campaign": campaign})


def _assignment(request: HttpRequest, pk: int) -> TaskAssignment:
    return get_visible_or_404(
        TaskAssignment.objects.select_related(
            "task__campaign__region",
            "task__campaign__department",
            "task__lead_department",
            "department",
            "region",
        ).with_clock(),  # type: ignore[attr-defined]
        request.user,
        pk=pk,
    )


@login_required
def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    a = _assignment(request, pk)
    live = a.task.campaign.state == CampaignState.ACTIVE
    ctx = {
        "a": a,
        "task": a.task,
        "submissions": a.submissions.select_related("submitted_by"),
        "events": a.events.select_related("actor"),
        "may_submit": live
        and a.state in (AssignmentState.PENDING, AssignmentState.RETURNED)
        and policy.can(request.user, a, "submit"),
        "may_review": a.state == AssignmentState.SUBMITTED and policy.can(request.user, a, "review"),
        "submit_form": SubmitForm(),
        "review_form": ReviewForm(),
    }
    return render(request, "campaigns/assignment_detail.html", ctx)


@login_required
@require_POST
def assignment_submit(request: HttpRequest, pk: int) -> HttpResponse:
    a = _assignment(request, pk)
    policy.require(request.user, a, "submit")
    form = SubmitForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.assignment_submit(
                a,
                actor=request.user,
                summary=form.cleaned_data["summary"],
                upload=form.cleaned_data.get("file"),
            )
            messages.success(request, "已报送。")
        except ValidationError as exc:
            form_errors(request, exc)
    else:
        messages.error(request, "请填写报送内容。")
    return redirect(a.get_absolute_url())


@login_required
@require_POST
def assignment_review(request: HttpRequest, pk: int) -> HttpResponse:
    a = _assignment(request, pk)
    policy.require(request.user, a, "review")
    form = ReviewForm(request.POST)
    if form.is_valid():
        accept = form.cleaned_data["decision"] == "accept"
        try:
            services.assignment_review(a, actor=request.user, accept=accept, note=form.cleaned_data["note"])
            messages.success(request, "已审核通过。" if accept else "已退回补报。")
        except ValidationError as exc:
            form_errors(request, exc)
    else:
        messages.error(request, "请选择审核结果。")
    return redirect(a.get_absolute_url())


@login_required
def submission_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    submission = TaskSubmission.objects.filter(pk=pk).first()
    # Seen through its assignment's scope: 404 otherwise.
    _assignment(request, submission.assignment_id if submission is not None else 0)
    assert submission is not None
    if not submission.file_path:
        from django.http import Http404

        raise Http404("未找到文件")
    return store.download(submission.file_path, filename=submission.original_name, inline=True)
