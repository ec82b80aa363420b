"""Plans, coverage and draws (双随机): pages and their steps."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from supervision.core import policy
from supervision.core.querysets import regions_visible_to
from supervision.core.scoping import get_visible_or_404
from supervision.core.web import ScopedDetailView, ScopedListView

from .. import services
from ..filters import PlanFilter
from ..forms import (
    PlanForm,
    RedrawForm,
)
from ..models import (
    Draw,
    DrawExclusion,
    Inspection,
    InspectionPlan,
    Inspector,
)
from .common import _errors

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
