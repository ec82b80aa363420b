"""Staff pages (thin): lists and details go through ``visible_to``; every write calls a service."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from supervision.core import policy
from supervision.core.filters import harden
from supervision.core.querysets import regions_visible_to
from supervision.core.scoping import get_visible_or_404
from supervision.core.web import ScopedDetailView, ScopedListView
from supervision.files import store as files

from . import services
from .filters import FindingFilter, InspectionFilter, InspectorFilter, ItemFilter, ObjectFilter, PlanFilter
from .forms import (
    CloseForm,
    ConfirmForm,
    EvidenceForm,
    FindingForm,
    InspectionCreateForm,
    PlanForm,
    PublishForm,
    RedrawForm,
    RefusalForm,
    SignForm,
)
from .models import (
    Draw,
    DrawExclusion,
    Evidence,
    Finding,
    Inspection,
    InspectionItem,
    InspectionPlan,
    InspectionStatus,
    Inspector,
    Severity,
)
from .querysets import RectificationProgress


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for msg in exc.messages:
        messages.error(request, msg)


# --- overview (the inspections dashboard) -----------------------------------------------------------


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """监管概览: open 重大 hazards under 挂牌督办 (every one, until closed), open findings by
    grade, where findings stand (需抄告, rectification progress, overdue) and draws whose seed is
    not yet revealed — all within the user's scope. Every figure is counted on the annotations
    the finding pages show (``with_progress``) and links to the list filtered the same way
    (the ``FindingFilter``), so the list shows the same number. The workbench panel shows the
    first rows of the same 挂牌督办 list to leaders."""
    visible: Any = Finding.objects.visible_to(request.user)
    findings = visible.with_progress()
    major = (
        findings.major_open()
        .filter(listed_supervision=True)
        .select_related("institution", "domain", "supervising_department")
        .order_by(F("rectification_due").asc(nulls_last=True), "found_on", "pk")
    )
    by_severity = dict(
        visible.open().values_list("severity").annotate(n=Count("pk")).values_list("severity", "n")
    )
    counted = findings.aggregate(
        needs_referral=Count("pk", filter=Q(awaiting_referral=True)),
        overdue=Count("pk", filter=Q(rectification_overdue=True)),
        **{state: Count("pk", filter=Q(rectification_progress=state)) for state in OVERVIEW_PROGRESS},
    )
    finding_list = reverse("inspections:finding_list")
    progress = [
        {
            "label": _("需抄告的问题"),
            "count": counted["needs_referral"],
            "url": f"{finding_list}?needs_referral=true",
            "key": "needs_referral",
        },
        *(
            {
                "label": RectificationProgress(state).label,
                "count": counted[state],
                "url": f"{finding_list}?rectification={state}",
                "key": state,
            }
            for state in OVERVIEW_PROGRESS
        ),
        {
            "label": _("整改逾期"),
            "count": counted["overdue"],
            "url": f"{finding_list}?overdue=true",
            "key": "overdue",
        },
    ]
    return render(
        request,
        "inspections/overview.html",
        {
            "major": major,
            "severity_counts": [
                (label, by_severity.get(value, 0), f"{finding_list}?severity={value}&status=open")
                for value, label in Severity.choices
            ],
            "progress_counts": progress,
            "unrevealed_draws": Draw.objects.visible_to(request.user)
            .filter(status__in=["committed", "executed"])
            .select_related("plan")
            .order_by("created_at"),
        },
    )


# The rectification states the overview counts (the open ones; 已整改 and 已销号 are history).
OVERVIEW_PROGRESS = (
    RectificationProgress.NO_NOTICE,
    RectificationProgress.RECTIFYING,
    RectificationProgress.RESPONDED,
    RectificationProgress.REJECTED,
)


# --- item list and inspector directory -----------------------------------------------------------


class ItemListView(ScopedListView):
    """随机抽查事项清单: the same for every user (not scoped), filterable and exportable."""

    model = InspectionItem
    filterset_class = ItemFilter
    template_name = "inspections/item_list.html"
    paginate_by = 50
    default_ordering = ("sort", "code")
    export_name = "随机抽查事项清单"
    export_columns = [
        ("编码", "code"),
        ("检查事项", "title"),
        ("领域", "domain.name"),
        ("责任部门", lambda i: i.responsible_department or ""),
        ("检查依据", "legal_basis"),
        ("检查方式", "check_method"),
        ("重点检查事项", lambda i: "是" if i.is_key else "否"),
    ]

    def get_queryset(self) -> QuerySet:
        return InspectionItem.objects.select_related("domain").order_by(*self.get_ordering())


class InspectorListView(ScopedListView):
    """执法检查人员名录库 within the user's scope."""

    model = Inspector
    filterset_class = InspectorFilter
    template_name = "inspections/inspector_list.html"
    sortable = ("name", "certificate_expires")
    default_ordering = ("department__code", "name", "pk")
    export_name = "执法检查人员名录"
    export_columns = [
        ("姓名", "name"),
        ("部门", "department.name"),
        ("区划", "region.name"),
        ("执法证号", "certificate_number"),
        ("有效期至", "certificate_expires"),
        ("检查领域", lambda i: "、".join(d.name for d in i.domains.all())),
        ("在岗", lambda i: "是" if i.active else "否"),
        ("可抽取", lambda i: "是" if i.is_drawable() else "否"),
    ]

    def base_queryset(self) -> QuerySet:
        return Inspector.objects.select_related("department", "region").prefetch_related("domains")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        from .filters import CERTIFICATE_WARNING_DAYS

        today = timezone.localdate()
        ctx["today"] = today
        ctx["warn_until"] = today + dt.timedelta(days=CERTIFICATE_WARNING_DAYS)
        ctx["may_manage_inspectors"] = policy.can_ever(self.request.user, Inspector, "manage")
        return ctx


def objects_queryset(user: Any) -> QuerySet:
    """The 检查对象名录库 rows the user may see: operating institutions in their jurisdiction."""
    from institutions.models import Institution

    return Institution.objects.visible_to(user).filter(status__in=services.OPERATING_STATUSES)


class ObjectDirectoryView(ScopedListView):
    """检查对象名录库: a live view over the registry (never a copy) — operating institutions in
    the user's jurisdiction, with their current risk class and last finished inspection."""

    template_name = "inspections/object_list.html"
    filterset_class = None
    sortable = ("name", "last_inspected")
    default_ordering = ("region__code", "name", "pk")
    export_name = "检查对象名录库"
    export_columns = [
        ("统一社会信用代码", "credit_code"),
        ("机构名称", "name"),
        ("所在乡镇（街道）", "region.name"),
        ("状态", "get_status_display"),
        ("最近检查日期", "last_inspected"),
    ]

    def get_queryset(self) -> QuerySet:
        from django.db.models import Max, Q

        done = Q(inspections__status__in=[InspectionStatus.CLOSED, InspectionStatus.PUBLISHED])
        qs = objects_queryset(self.request.user)
        # ``?region=`` and ``?covered=`` / ``?uncovered=<period>``: the dashboard's coverage links.
        self.filterset = harden(ObjectFilter(self.request.GET or None, queryset=qs))
        if self.filterset.is_bound:
            qs = self.filterset.qs if self.filterset.is_valid() else qs.none()
        return (
            qs.select_related("region")
            .annotate(last_inspected=Max("inspections__inspected_on", filter=done))
            .order_by(*self.get_ordering())
        )

    def get_filterset(self, filterset_class: Any) -> Any:
        return None

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.GET.get("export") == "xlsx":
            from supervision.core.models import SecurityEvent
            from supervision.core.signals import record
            from supervision.core.web import resolve, xlsx_response

            rows = ([resolve(o, a) for _, a in self.export_columns] for o in self.get_queryset().iterator())
            record(SecurityEvent.Kind.EXPORT, request, request.user, detail=self.export_name)
            return xlsx_response(f"{self.export_name}.xlsx", [h for h, _ in self.export_columns], rows)
        self.object_list = self.get_queryset()
        return self.render_to_response(self.get_context_data())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        from .risk import risk_class_for

        ctx = super().get_context_data(**kwargs)
        page = list(ctx["object_list"])
        classes = risk_class_for(page)
        for inst in page:
            inst.risk_class = classes.get(inst.pk, "low")
        ctx["object_list"] = page
        ctx["may_inspect"] = policy.can_ever(self.request.user, Inspection, "create")
        return ctx


# --- plans, coverage and draws ---------------------------------------------------------------


class PlanListView(ScopedListView):
    model = InspectionPlan
    filterset_class = PlanFilter
    template_name = "inspections/plan_list.html"
    default_ordering = ("-year", "region__code", "pk")

    def base_queryset(self) -> QuerySet:
        return InspectionPlan.objects.select_related("region", "department").annotate(
            draw_count=Count("draws")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["may_create"] = policy.can_ever(self.request.user, InspectionPlan, "create")
        return ctx


@login_required
def plan_create(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":  # before the form is read: a refused post gets 403 whatever it sends
        policy.require_ever(request.user, InspectionPlan, "create")
    regions = regions_visible_to(request.user)
    form = PlanForm(
        request.POST or None, user=request.user, regions=regions, initial={"year": timezone.localdate().year}
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for msg in exc.messages:
                form.add_error(None, msg)
        else:
            messages.success(request, _("抽查计划已保存。"))
            return redirect("inspections:plan_detail", pk=plan.pk)
    return render(request, "inspections/plan_form.html", {"form": form})


class PlanDetailView(ScopedDetailView):
    model = InspectionPlan
    template_name = "inspections/plan_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        plan = self.object
        uncovered = services.uncovered_institutions(plan)
        ctx.update(
            draws=plan.draws.select_related("created_by").order_by("-created_at"),
            period=services.coverage_period(plan),
            uncovered_count=uncovered.count(),
            object_count=services.inspection_objects(plan.region).count(),
            inspector_count=services.drawable_inspectors(plan, timezone.localdate()).count(),
        )
        return ctx


class CoverageView(ScopedListView):
    """Coverage obligation: institutions of the plan's region not yet inspected this period."""

    template_name = "inspections/coverage.html"
    filterset_class = None
    export_name = "未覆盖检查对象"
    export_columns = [
        ("统一社会信用代码", "credit_code"),
        ("机构名称", "name"),
        ("所在乡镇（街道）", "region.name"),
        ("状态", "get_status_display"),
        ("地址", "address"),
    ]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.plan = get_visible_or_404(InspectionPlan.objects.all(), request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet:
        from institutions.models import Institution

        return (
            services.uncovered_institutions(self.plan)
            .filter(pk__in=Institution.objects.visible_to(self.request.user).values("pk"))
            .select_related("region")
            .order_by("region__code", "name", "pk")
        )

    def get_filterset(self, filterset_class: Any) -> Any:
        return None

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.GET.get("export") == "xlsx":
            return self.export(request)
        self.object_list = self.get_queryset()
        return self.render_to_response(self.get_context_data())

    def export(self, request: Any) -> HttpResponse:
        from supervision.core.models import SecurityEvent
        from supervision.core.signals import record
        from supervision.core.web import resolve, xlsx_response

        rows = ([resolve(o, a) for _, a in self.export_columns] for o in self.get_queryset().iterator())
        record(
            SecurityEvent.Kind.EXPORT, request, request.user, detail=f"{self.export_name} plan={self.plan.pk}"
        )
        return xlsx_response(f"{self.export_name}.xlsx", [h for h, _ in self.export_columns], rows)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["plan"] = self.plan
        ctx["period"] = services.coverage_period(self.plan)
        ctx["may_inspect"] = policy.can_ever(self.request.user, Inspection, "create")
        return ctx


@login_required
@require_POST
def draw_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_visible_or_404(InspectionPlan.objects.all(), request.user, pk=pk)
    policy.require(request.user, plan, "draw")
    try:
        draw = services.draw_create(plan, actor=request.user)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("inspections:plan_detail", pk=plan.pk)
    messages.success(request, _("已生成随机种子并公布其哈希值，可以执行抽取。"))
    return redirect("inspections:draw_detail", pk=draw.pk)


class DrawDetailView(ScopedDetailView):
    model = Draw
    template_name = "inspections/draw_detail.html"

    def base_queryset(self) -> QuerySet:
        return Draw.objects.select_related(
            "plan__region", "plan__department", "previous", "short_team_accepted_by"
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        draw = self.object
        names = {r["code"]: r for r in draw.inputs.get("institutions", [])}
        inspectors = {i.public_code: i for i in Inspector.objects.filter(pk__in=_inspector_pks(draw))}
        rows = []
        for row in (draw.result or {}).get("drawn", []):
            rows.append(
                {
                    "code": row["code"],
                    "name": names.get(row["code"], {}).get("name", ""),
                    "risk": names.get(row["code"], {}).get("risk", ""),
                    "team": [inspectors.get(c, c) for c in row["team"]],
                    "short": row["code"] in draw.result.get("short", []),
                }
            )
        at_risk = set(services.short_team_candidates(draw.inputs))
        ctx.update(
            rows=rows,
            redraw_form=RedrawForm(),
            inspections=draw.inspections.select_related("institution").order_by("institution__name"),
            risk_counts=_risk_counts(draw),
            excluded=[
                {**r, "reason_display": _exclusion_label(r.get("reason", ""))}
                for r in draw.inputs.get("excluded", [])
            ],
            short_risk=[r for r in draw.inputs.get("institutions", []) if r["code"] in at_risk],
        )
        return ctx


def _exclusion_label(reason: str) -> str:
    return str(DrawExclusion(reason).label) if reason in DrawExclusion.values else reason


def _inspector_pks(draw: Draw) -> list[int]:
    return [int(c[1:]) for row in (draw.result or {}).get("drawn", []) for c in row["team"]]


def _risk_counts(draw: Draw) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in draw.inputs.get("institutions", []):
        counts[row.get("risk", "low")] = counts.get(row.get("risk", "low"), 0) + 1
    return counts


# The steps of a draw's page; each slug is also the policy's action (``Draw.write_rules``).
DRAW_ACTIONS = frozenset({"execute", "reveal", "redraw"})


@login_required
@require_POST
def draw_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    draw = get_visible_or_404(Draw.objects.all(), request.user, pk=pk)
    if action not in DRAW_ACTIONS:
        raise Http404
    policy.require(request.user, draw, action)
    try:
        if action == "execute":
            accept = request.POST.get("accept_short_teams") == "1"
            services.draw_execute(draw, actor=request.user, accept_short_teams=accept)
            messages.success(request, _("抽取完成，已生成待检查任务。"))
        elif action == "reveal":
            services.draw_reveal(draw, actor=request.user)
            messages.success(request, _("随机种子已公开，公众可复核抽取结果。"))
        elif action == "redraw":
            form = RedrawForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("重新抽取必须填写原因。"))
            draw = services.draw_redraw(draw, actor=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("原抽取已作废，已生成新的随机种子。"))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("inspections:draw_detail", pk=draw.pk)


# --- inspections -------------------------------------------------------------------------------


class InspectionListView(ScopedListView):
    model = Inspection
    filterset_class = InspectionFilter
    template_name = "inspections/inspection_list.html"
    sortable = ("inspected_on", "scheduled_on", "status")
    default_ordering = ("status", "-scheduled_on", "-pk")
    export_name = "检查记录"
    export_columns = [
        ("机构", "institution.name"),
        ("统一社会信用代码", "institution.credit_code"),
        ("检查类型", "get_kind_display"),
        ("检查部门", "department.name"),
        ("状态", "get_status_display"),
        ("检查日期", "inspected_on"),
        ("检查结论", "get_conclusion_display"),
    ]

    def base_queryset(self) -> QuerySet:
        return Inspection.objects.select_related("institution", "department").prefetch_related("team")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["may_create"] = policy.can_ever(self.request.user, Inspection, "create")
        return ctx


@login_required
def inspection_create(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":  # before the form is read
        policy.require_ever(request.user, Inspection, "create")
    form = InspectionCreateForm(request.POST or None, user=request.user, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            inspection = services.inspection_create(
                data["institution"],
                actor=request.user,
                kind=data["kind"],
                team=data["team"],
                partner_departments=data["partner_departments"],
                scheduled_on=data["scheduled_on"],
                previous=data["previous"],
            )
        except ValidationError as exc:
            for msg in exc.messages:
                form.add_error(None, msg)
        else:
            messages.success(request, _("检查任务已创建。"))
            return redirect("inspections:checklist", pk=inspection.pk)
    return render(request, "inspections/inspection_form.html", {"form": form})


def _inspection(request: HttpRequest, pk: int) -> Inspection:
    return get_visible_or_404(
        Inspection.objects.select_related("institution__region", "department", "plan", "draw"),
        request.user,
        pk=pk,
    )


@login_required
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _inspection(request, pk)
    confirmations = {c.inspector_id: c for c in inspection.confirmations.select_related("confirmed_by")}
    team = list(inspection.team.select_related("department"))
    for member in team:
        member.confirmation = confirmations.get(member.pk)  # type: ignore[attr-defined]
    return render(
        request,
        "inspections/inspection_detail.html",
        {
            "inspection": inspection,
            "results": inspection.results.select_related("item__domain", "department", "recorded_by"),
            "findings": inspection.findings.with_progress().select_related(
                "domain", "supervising_department"
            ),
            "evidence": inspection.evidence.select_related("item_result__item"),
            "team": team,
            "close_blockers": services.close_blockers(inspection) if inspection.is_open else [],
            "sign_form": SignForm(initial={"name": inspection.representative_name}),
            "refusal_form": RefusalForm(),
            "close_form": CloseForm(
                initial={"inspected_on": inspection.inspected_on or timezone.localdate()}
            ),
            "publish_form": PublishForm(),
            "today": timezone.localdate(),
            "evidence_form": EvidenceForm(
                inspection=inspection, initial={"item_result": request.GET.get("item")}
            ),
        },
    )


@login_required
def checklist(request: HttpRequest, pk: int) -> HttpResponse:
    """The tablet checklist (``checklist_view``): sections by domain, 全部符合, inline photos."""
    from .checklist_view import checklist as show

    return show(request, _inspection(request, pk))


# The steps of an inspection's page; each slug is also the policy's action
# (``Inspection.write_rules``). The API's ``refuse-signature`` is ``refuse`` here.
INSPECTION_ACTIONS = frozenset({"sign", "refuse", "confirm", "close", "publish", "evidence"})


@login_required
@require_POST
def inspection_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    inspection = _inspection(request, pk)
    if action not in INSPECTION_ACTIONS:
        raise Http404
    policy.require(request.user, inspection, action)
    form: Any
    try:
        if action == "sign":
            form = SignForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("请填写签字人并勾选确认。"))
            services.inspection_sign(
                inspection, actor=request.user, name=form.cleaned_data["name"], acknowledged=True
            )
            messages.success(request, _("机构代表已签字确认。"))
        elif action == "refuse":
            form = RefusalForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("请填写拒绝签字的机构代表和见证人姓名。"))
            services.inspection_record_refusal(
                inspection,
                actor=request.user,
                name=form.cleaned_data["name"],
                witness=form.cleaned_data["witness"],
                note=form.cleaned_data["note"],
            )
            messages.success(request, _("已记录机构代表拒绝签字及见证人。"))
        elif action == "confirm":
            form = ConfirmForm(request.POST, inspection=inspection)
            if not form.is_valid():
                raise ValidationError(_("请选择本次检查的检查人员。"))
            services.inspection_confirm_inspector(
                inspection, form.cleaned_data["inspector"], actor=request.user
            )
            messages.success(
                request, _("%(name)s已确认检查记录。") % {"name": form.cleaned_data["inspector"].name}
            )
        elif action == "close":
            form = CloseForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("请填写检查日期。"))
            services.inspection_close(
                inspection,
                actor=request.user,
                inspected_on=form.cleaned_data["inspected_on"],
                note=form.cleaned_data["note"],
                beds_found=form.cleaned_data["beds_found"],
            )
            messages.success(request, _("检查已办结，相关期限已更新。"))
        elif action == "publish":
            form = PublishForm(request.POST)
            form.is_valid()
            services.inspection_publish(
                inspection, actor=request.user, summary=form.cleaned_data.get("summary", "")
            )
            messages.success(request, _("检查结果已公开。"))
        elif action == "evidence":
            form = EvidenceForm(request.POST, request.FILES, inspection=inspection)
            if not form.is_valid():
                if "item_result" in form.errors:
                    raise ValidationError(_("所选检查事项不属于本次检查。"))
                raise ValidationError(_("请选择要上传的照片。"))
            services.evidence_add(
                inspection,
                form.cleaned_data["photo"],
                actor=request.user,
                caption=form.cleaned_data["caption"],
                item_result=form.cleaned_data["item_result"],
            )
            messages.success(request, _("照片已上传（已去除位置等元数据）。"))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("inspections:inspection_detail", pk=inspection.pk)


@login_required
def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    """Serve an evidence photo only to users who may see its inspection, or — for a photo of
    one item — the finding opened from that item (the department a finding was handed to by
    remit needs its evidence without seeing the rest of another department's inspection)."""
    evidence = Evidence.objects.select_related("inspection").filter(pk=pk).first()
    if evidence is None:
        raise Http404
    if not Inspection.objects.visible_to(request.user).filter(pk=evidence.inspection_id).exists():
        if evidence.item_result_id is None:
            raise Http404
        get_visible_or_404(Finding.objects.all(), request.user, item_result_id=evidence.item_result_id)
    # Inline: the inspection page previews the photos.
    return files.download(evidence.path, filename=f"evidence-{evidence.pk}.jpg", inline=True)


# --- findings: the three lists ---------------------------------------------------------------------

LIST_KINDS: dict[str, dict[str, Any]] = {
    "hazards": {
        "title": _("隐患清单"),
        "export": [
            ("机构", "institution.name"),
            ("统一社会信用代码", "institution.credit_code"),
            ("领域", "domain.name"),
            ("隐患等级", "get_severity_display"),
            ("问题描述", "description"),
            ("发现日期", "found_on"),
            ("挂牌督办", lambda f: "是" if f.listed_supervision else "否"),
            ("状态", "get_rectification_progress_display"),
        ],
    },
    "rectification": {
        "title": _("整改清单"),
        "export": [
            ("机构", "institution.name"),
            ("问题描述", "description"),
            ("整改要求", "rectification_required"),
            ("整改期限", "rectification_due"),
            ("是否逾期", lambda f: "是" if f.rectification_overdue else "否"),
            ("状态", "get_rectification_progress_display"),
        ],
    },
    "responsibility": {
        "title": _("责任清单"),
        "export": [
            ("机构", "institution.name"),
            ("问题描述", "description"),
            ("机构责任人", "responsible_person"),
            ("监管部门", "supervising_department.name"),
            ("发现部门", "found_by_department.name"),
            ("抄告", "get_referral_progress_display"),
        ],
    },
}


class FindingListView(ScopedListView):
    """One list of findings, three views (隐患清单、整改清单、责任清单), each exportable."""

    model = Finding
    filterset_class = FindingFilter
    template_name = "inspections/finding_list.html"
    sortable = ("found_on", "rectification_due", "severity")
    default_ordering = ("status", "-found_on", "-pk")
    list_kind = "hazards"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.list_kind = kwargs.get("kind", "hazards")
        if self.list_kind not in LIST_KINDS:
            raise Http404
        spec = LIST_KINDS[self.list_kind]
        self.export_columns = spec["export"]
        self.export_name = str(spec["title"])
        return super().dispatch(request, *args, **kwargs)

    def base_queryset(self) -> QuerySet:
        return Finding.objects.with_progress().select_related(
            "institution", "domain", "supervising_department", "found_by_department"
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["list_kind"] = self.list_kind
        ctx["list_title"] = LIST_KINDS[self.list_kind]["title"]
        ctx["kinds"] = [(k, v["title"]) for k, v in LIST_KINDS.items()]
        ctx["may_create"] = policy.can_ever(self.request.user, Finding, "create")
        return ctx


class FindingDetailView(ScopedDetailView):
    """One finding: where it stands (read from its referral, notice item and clock), links to
    them, and the next steps as buttons only for a user who may take them."""

    model = Finding
    template_name = "inspections/finding_detail.html"

    def base_queryset(self) -> QuerySet:
        return (
            Finding.objects.with_progress()
            .select_related(
                "institution__region",
                "domain",
                "supervising_department",
                "found_by_department",
                "inspection",
                "item_result__item",
            )
            .prefetch_related(Prefetch("inspection__evidence"))
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx.update(finding_next_steps(self.object, self.request.user))
        return ctx


def finding_next_steps(finding: Finding, user: Any) -> dict[str, Any]:
    """The finding's referral and notice item as the user may open them, and which of the next
    steps (发起抄告, 下达整改通知) the user may take: the referral's own check for the sending
    body (``can_act``) and the rectification issuing check (``issuing_post``) — auditors and
    liaisons of another body see no button."""
    # The rectification sub-app sits on this app: import it when the page is built.
    from inspections.rectification.models import NoticeItem, NoticeStatus
    from inspections.rectification.services import issuing_post
    from supervision.referrals.models import Referral
    from supervision.referrals.services import can_act

    f: Any = finding
    referral = None
    if f.current_referral_id is not None:
        referral = (
            Referral.objects.visible_to(user)
            .select_related("from_department", "from_region", "to_department", "to_region")
            .filter(pk=f.current_referral_id)
            .first()
        )
    may_refer = False
    if f.awaiting_referral:
        if referral is not None:
            may_refer = referral.state == "draft" and can_act(user, referral, "send")
        elif f.current_referral_id is None:
            sender = Referral(
                from_department_id=f.found_by_department_id,
                from_region=services.finder_region(finding, user),
            )
            may_refer = can_act(user, sender, "send")
    items = NoticeItem.objects.visible_to(user).select_related("notice")
    item = items.filter(pk=f.current_notice_item_id).first() if f.current_notice_item_id else None
    draft = None
    if f.current_notice_item_id is None:
        draft = items.filter(finding=finding, notice__status=NoticeStatus.DRAFT).order_by("-pk").first()
    may_issue = (
        f.current_notice_item_id is None
        and f.rectification_progress == RectificationProgress.NO_NOTICE
        and issuing_post(user, finding.institution) is not None
    )
    return {
        "referral": referral,
        "may_refer": may_refer,
        "notice_item": item,
        "draft_item": draft,
        "may_issue": may_issue,
    }


@login_required
def finding_create(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":  # before the form is read
        policy.require_ever(request.user, Finding, "create")
    form = FindingForm(request.POST or None, user=request.user, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            finding = services.finding_create(
                data["institution"],
                data["domain"],
                actor=request.user,
                severity=data["severity"],
                description=data["description"],
                evidence_note=data["evidence_note"],
                rectification_required=data["rectification_required"],
                rectify_by=data["rectify_by"],
                responsible_person=data["responsible_person"],
            )
        except ValidationError as exc:
            for msg in exc.messages:
                form.add_error(None, msg)
        else:
            if finding.referral_required:
                messages.warning(
                    request,
                    _("该问题不属于本部门职责，已标记需抄告%(d)s。")
                    % {"d": finding.supervising_department.name},
                )
            else:
                messages.success(request, _("问题已登记。"))
            return redirect("inspections:finding_detail", pk=finding.pk)
    return render(request, "inspections/finding_form.html", {"form": form})
