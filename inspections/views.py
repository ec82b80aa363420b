"""Staff pages (thin): lists and details go through ``visible_to``; every write calls a service."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from supervision.core.querysets import regions_visible_to
from supervision.core.scoping import get_visible_or_404
from supervision.core.web import ScopedDetailView, ScopedListView

from . import services
from .filters import FindingFilter, InspectionFilter, InspectorFilter, ItemFilter, PlanFilter
from .forms import (
    CloseForm,
    EvidenceForm,
    FindingForm,
    InspectionCreateForm,
    PlanForm,
    PublishForm,
    RedrawForm,
    SignForm,
)
from .models import (
    Draw,
    Evidence,
    Finding,
    Inspection,
    InspectionItem,
    InspectionPlan,
    InspectionStatus,
    Inspector,
    ItemOutcome,
    Severity,
)


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for msg in exc.messages:
        messages.error(request, msg)


# --- overview (the inspections dashboard) -----------------------------------------------------------


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """监管概览: open 重大 hazards under 挂牌督办 (every one, until closed), open findings by
    grade, findings awaiting referral and draws whose seed is not yet revealed — all within
    the user's scope. The workbench panel shows the first rows of the same list to leaders."""
    findings: Any = Finding.objects.visible_to(request.user)
    major = (
        findings.major_open()
        .filter(listed_supervision=True)
        .select_related("institution", "domain", "supervising_department")
        .order_by("rectify_by", "found_on", "pk")
    )
    by_severity = dict(
        findings.open().values_list("severity").annotate(n=Count("pk")).values_list("severity", "n")
    )
    return render(
        request,
        "inspections/overview.html",
        {
            "major": major,
            "severity_counts": [(label, by_severity.get(value, 0)) for value, label in Severity.choices],
            "referral_count": findings.open().filter(needs_referral=True).count(),
            "unrevealed_draws": Draw.objects.visible_to(request.user)
            .filter(status__in=["committed", "executed"])
            .select_related("plan")
            .order_by("created_at"),
        },
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
        return ctx


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

        from institutions.models import Institution

        done = Q(inspections__status__in=[InspectionStatus.CLOSED, InspectionStatus.PUBLISHED])
        return (
            Institution.objects.visible_to(self.request.user)
            .filter(status__in=services.OPERATING_STATUSES)
            .select_related("region")
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


@login_required
def plan_create(request: HttpRequest) -> HttpResponse:
    regions = regions_visible_to(request.user)
    form = PlanForm(request.POST or None, regions=regions, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        department = form.cleaned_data["department"]
        user: Any = request.user
        allowed = user.is_superuser or any(
            a.department_id == department.pk and form.cleaned_data["region"].code.startswith(a.region.prefix)
            for a in user.active_assignments()
        )
        if not allowed:
            form.add_error("department", _("只能为本部门、本辖区制定计划。"))
        else:
            plan = form.save(commit=False)
            plan.created_by = request.user
            plan.save()
            form.save_m2m()
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
        return ctx


@login_required
@require_POST
def draw_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_visible_or_404(InspectionPlan.objects.all(), request.user, pk=pk)
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
        return Draw.objects.select_related("plan__region", "plan__department", "previous")

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
        ctx.update(
            rows=rows,
            redraw_form=RedrawForm(),
            inspections=draw.inspections.select_related("institution").order_by("institution__name"),
            risk_counts=_risk_counts(draw),
        )
        return ctx


def _inspector_pks(draw: Draw) -> list[int]:
    return [int(c[1:]) for row in (draw.result or {}).get("drawn", []) for c in row["team"]]


def _risk_counts(draw: Draw) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in draw.inputs.get("institutions", []):
        counts[row.get("risk", "low")] = counts.get(row.get("risk", "low"), 0) + 1
    return counts


@login_required
@require_POST
def draw_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    draw = get_visible_or_404(Draw.objects.all(), request.user, pk=pk)
    try:
        if action == "execute":
            services.draw_execute(draw, actor=request.user)
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
        else:
            raise Http404
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


@login_required
def inspection_create(request: HttpRequest) -> HttpResponse:
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


def _checklist_items(inspection: Inspection) -> list[InspectionItem]:
    items = inspection.plan.items.all() if inspection.plan is not None else InspectionItem.objects.none()
    if not items.exists():
        items = InspectionItem.objects.filter(active=True)
    return list(items.select_related("domain").order_by("sort", "code"))


@login_required
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = _inspection(request, pk)
    return render(
        request,
        "inspections/inspection_detail.html",
        {
            "inspection": inspection,
            "results": inspection.results.select_related("item__domain", "department", "recorded_by"),
            "findings": inspection.findings.select_related("domain", "supervising_department"),
            "evidence": inspection.evidence.select_related("item_result__item"),
            "team": inspection.team.select_related("department"),
            "sign_form": SignForm(initial={"name": inspection.representative_name}),
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
    """The tablet checklist: one card per item, big radio buttons, a note and a grade for fails."""
    inspection = _inspection(request, pk)
    items = _checklist_items(inspection)
    existing = {r.item_id: r for r in inspection.results.all()}
    if request.method == "POST":
        saved = 0
        for item in items:
            outcome = request.POST.get(f"item-{item.pk}")
            if not outcome:
                continue
            note = request.POST.get(f"note-{item.pk}", "").strip()
            severity = request.POST.get(f"severity-{item.pk}") or Severity.GENERAL
            current = existing.get(item.pk)
            if current and (current.outcome, current.note) == (outcome, note):
                continue
            try:
                services.item_result_record(
                    inspection, item, actor=request.user, outcome=outcome, note=note, severity=severity
                )
                saved += 1
            except ValidationError as exc:
                _errors(request, exc)
        if saved:
            messages.success(request, _("已保存 %(n)d 项检查结果。") % {"n": saved})
        return redirect("inspections:checklist", pk=inspection.pk)
    rows = [{"item": item, "result": existing.get(item.pk)} for item in items]
    return render(
        request,
        "inspections/checklist.html",
        {
            "inspection": inspection,
            "rows": rows,
            "outcomes": ItemOutcome.choices,
            "severities": Severity.choices,
            "done": sum(1 for r in rows if r["result"]),
        },
    )


@login_required
@require_POST
def inspection_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    inspection = _inspection(request, pk)
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
        elif action == "close":
            form = CloseForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("请填写检查日期。"))
            services.inspection_close(
                inspection,
                actor=request.user,
                inspected_on=form.cleaned_data["inspected_on"],
                note=form.cleaned_data["note"],
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
            upload = form.cleaned_data["photo"]
            if upload.size > services.MAX_UPLOAD_BYTES:
                raise ValidationError(_("照片不能超过 15 MB。"))
            services.evidence_add(
                inspection,
                upload.read(),
                actor=request.user,
                caption=form.cleaned_data["caption"],
                item_result=form.cleaned_data["item_result"],
            )
            messages.success(request, _("照片已上传（已去除位置等元数据）。"))
        else:
            raise Http404
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
    path = services.evidence_path(evidence)
    if not path.exists():
        raise Http404
    response = FileResponse(path.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = f'inline; filename="evidence-{evidence.pk}.jpg"'
    return response


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
            ("状态", "get_status_display"),
        ],
    },
    "rectification": {
        "title": _("整改清单"),
        "export": [
            ("机构", "institution.name"),
            ("问题描述", "description"),
            ("整改要求", "rectification_required"),
            ("整改期限", "rectify_by"),
            ("是否逾期", lambda f: "是" if f.is_overdue else "否"),
            ("状态", "get_status_display"),
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
            ("需抄告", lambda f: "是" if f.needs_referral else "否"),
        ],
    },
}


class FindingListView(ScopedListView):
    """One list of findings, three views (隐患清单、整改清单、责任清单), each exportable."""

    model = Finding
    filterset_class = FindingFilter
    template_name = "inspections/finding_list.html"
    sortable = ("found_on", "rectify_by", "severity")
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
        return Finding.objects.select_related(
            "institution", "domain", "supervising_department", "found_by_department"
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["list_kind"] = self.list_kind
        ctx["list_title"] = LIST_KINDS[self.list_kind]["title"]
        ctx["kinds"] = [(k, v["title"]) for k, v in LIST_KINDS.items()]
        return ctx


class FindingDetailView(ScopedDetailView):
    model = Finding
    template_name = "inspections/finding_detail.html"

    def base_queryset(self) -> QuerySet:
        return Finding.objects.select_related(
            "institution",
            "domain",
            "supervising_department",
            "found_by_department",
            "inspection",
            "item_result__item",
        ).prefetch_related(Prefetch("inspection__evidence"))


@login_required
def finding_create(request: HttpRequest) -> HttpResponse:
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
            if finding.needs_referral:
                messages.warning(
                    request,
                    _("该问题不属于本部门职责，已标记需抄告%(d)s。")
                    % {"d": finding.supervising_department.name},
                )
            else:
                messages.success(request, _("问题已登记。"))
            return redirect("inspections:finding_detail", pk=finding.pk)
    return render(request, "inspections/finding_form.html", {"form": form})
