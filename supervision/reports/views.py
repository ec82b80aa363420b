"""Staff pages of the statistical reports (thin: scope, policy, one service call, redirect)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from supervision.core import policy
from supervision.core.models import Region
from supervision.core.present import cite
from supervision.core.scoping import get_visible_or_404
from supervision.core.web import Column, ScopedListView
from supervision.indicators import Period

from . import services
from .documents import particulars, report_docx, report_xlsx
from .filters import ReportFilter
from .formats import FORMATS, date_cn, shown
from .forms import ReportEditForm, ReportNewForm, ReturnForm
from .models import Report
from .step_views import submission_step
from .submission import STEP_LABELS
from .webutils import error_text, own_units, require_civil_post

EXPORT_COLUMNS: list[Column] = [
    ("报表", "title"),
    ("填报单位", "unit_name"),
    ("统计期", "period_label"),
    ("制表人", "preparer"),
    ("填报日期", "prepared_on"),
    ("状态", "get_state_display"),
    ("退回理由", "return_reason"),
]

# Page step -> the policy action it needs.


class ReportListView(ScopedListView):
    model = Report
    filterset_class = ReportFilter
    template_name = "reports/report_list.html"
    sortable = ("period_end", "format", "state", "region__code")
    default_ordering = ("-period_end", "format", "region__code")
    export_columns = EXPORT_COLUMNS
    export_name = "统计报表"

    def base_queryset(self) -> Any:
        return Report.objects.select_related("region")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["can_create"] = bool(own_units(self.request.user))
        return ctx


@login_required
def report_new(request: HttpRequest) -> HttpResponse:
    """Start one's own report, or ask the units below for theirs (with the report-by clock)."""
    if request.method == "POST":
        require_civil_post(request.user, "统计报表")
    units = own_units(request.user)
    form = ReportNewForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and units:
        unit = units[0]
        data = form.cleaned_data
        try:
            if data["scope"] == "call":
                made = services.report_call(
                    request.user,
                    format=data["format"],
                    region=unit,
                    year=data["year"],
                    number=data["number"] or 0,
                )
                messages.success(request, f"已通知下级 {len(made)} 个单位填报，并开启报送时限。")
                spec = FORMATS[data["format"]]
                key = services.period_of(spec, data["year"], data["number"] or 0).key
                return redirect(f"/reports/missing/?format={spec.code}&period={key}&region={unit.code}")
            report = services.report_create(
                request.user,
                format=data["format"],
                region=unit,
                year=data["year"],
                number=data["number"] or 0,
            )
            return redirect(report)
        except ValidationError as exc:
            form.add_error(None, error_text(exc))
    return render(request, "reports/report_new.html", {"form": form, "units": units})


def _report(request: HttpRequest, pk: int) -> Report:
    return get_visible_or_404(Report.objects.select_related("region"), request.user, pk=pk)


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    return render(request, "reports/report_detail.html", _context(request, report))


def _context(request: HttpRequest, report: Report) -> dict[str, Any]:
    user = request.user
    sections = [
        (
            name,
            [
                {**row, "shown": shown(row["value"], row["unit"]), "source": cite(row["source"])}
                for row in rows
            ],
        )
        for name, rows in report.sections()
    ]
    return {
        "report": report,
        "sections": sections,
        "particulars": particulars(report),
        "computed_at": date_cn(report.computed_at),
        "events": report.events.select_related("actor"),
        "can_fill": report.is_editable and policy.can(user, report, "fill"),
        "can_review": report.state == "submitted" and policy.can(user, report, "review"),
        "edit_form": ReportEditForm(initial={"preparer": report.preparer, "note": report.note}),
        "return_form": ReturnForm(),
        "step_labels": STEP_LABELS,
    }


@login_required
def report_print(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    return render(request, "reports/report_print.html", _context(request, report))


@login_required
def report_word(request: HttpRequest, pk: int) -> HttpResponse:
    return report_docx(_report(request, pk))


@login_required
def report_excel(request: HttpRequest, pk: int) -> HttpResponse:
    return report_xlsx(_report(request, pk))


@login_required
@require_POST
def report_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    return submission_step(
        request,
        step,
        lambda: _report(request, pk),
        edit_form=ReportEditForm,
        edit_invalid="请填写制表人（联系人）。",
        edit=lambda obj, user, d: services.report_update(obj, actor=user, **d),
        refresh=services.report_refresh,
        submit=services.report_submit,
        approve=services.report_approve,
        return_=services.report_return,
    )


@login_required
def report_missing(request: HttpRequest) -> HttpResponse:
    """The county's view of a period: which units below it have not submitted (and which have)."""
    fmt = request.GET.get("format", "monthly")
    if fmt not in FORMATS:
        fmt = "monthly"
    period_key = request.GET.get("period", "")
    try:
        period = Period.parse(period_key) if period_key else None
    except ValueError:
        period = None
    code = request.GET.get("region", "")
    region = Region.objects.filter(code=code).first() if code else None
    units = own_units(request.user)
    if region is None and units:
        region = units[0]
    user: Any = request.user
    if (
        region is not None
        and not user.is_superuser
        and not any(region.code.startswith(a.region.prefix) for a in user.active_assignments())
    ):
        raise Http404("未找到或无权查看")
    missing: list[Region] = []
    received: list[Report] = []
    if region is not None and period is not None:
        missing = list(services.missing_units(request.user, region, fmt, period.key))
        received = list(
            Report.objects.visible_to(request.user)
            .filter(format=fmt, period_key=period.key, region__parent=region)
            .exclude(region__in=missing)
            .select_related("region")
            .order_by("region__code")
        )
    ctx = {
        "formats": FORMATS.values(),
        "format": FORMATS[fmt],
        "period": period,
        "period_key": period.key if period else period_key,
        "region": region,
        "missing": missing,
        "received": received,
    }
    return render(request, "reports/report_missing.html", ctx)
