"""The institution's disclosure and reports pages (/institution/disclosure/, /institution/reports/),
and civil affairs' decision on a disclosure change."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from institutions.models import Drill, EmergencyPlan, IncidentReport, Institution
from supervision.core import policy
from supervision.core.institution_menu import institution_context, require_institution_account
from supervision.core.scoping import get_visible_or_404
from supervision.files import store as files

from .disclosure_models import DisclosureChange
from .forms import DisclosureForm, DrillForm, IncidentForm, PlanForm
from .report_models import DrillPhoto
from .services import disclosure as disclosure_service
from .services import reporting


def _own(request: HttpRequest) -> Institution:
    pk = require_institution_account(request)
    return get_visible_or_404(Institution.objects.select_related("region"), request.user, pk=pk)


def _errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@login_required
def disclosure(request: HttpRequest) -> HttpResponse:
    """公开信息维护: the institution's disclosure, its changes and their state."""
    inst = _own(request)
    form = DisclosureForm(request.POST or None, initial=disclosure_service.current_values(inst))
    if request.method == "POST":
        policy.require(request.user, DisclosureChange, "submit", institution=inst)
        if form.is_valid():
            try:
                change = disclosure_service.disclosure_submit(
                    inst, actor=request.user, values=form.cleaned_data
                )
            except ValidationError as exc:
                _errors(form, exc)
            else:
                if change is None:
                    messages.info(request, "公开信息没有变化。")
                elif change.state == "published":
                    messages.success(request, "公开信息已更新并直接公开（本地区规则）。")
                else:
                    messages.success(request, "公开信息变更已提交，民政部门确认后在公开页面显示。")
                return redirect("institution_portal:disclosure")
    changes = list(DisclosureChange.objects.visible_to(request.user).filter(institution=inst)[:20])
    for c in changes:
        c.rows = disclosure_service.change_rows(c)  # type: ignore[attr-defined]
    return render(
        request,
        "institutions/portal/disclosure.html",
        {**institution_context(request), "institution": inst, "form": form, "changes": changes},
    )


@login_required
def reports(request: HttpRequest) -> HttpResponse:
    """应急预案、演练与突发事件报告: the institution's own, with the forms to file them."""
    inst = _own(request)
    user = request.user
    forms = {"plan": PlanForm(), "drill": DrillForm(), "incident": IncidentForm()}
    kind = request.POST.get("report") if request.method == "POST" else None
    if kind in forms:
        policy.require(user, inst, "self_report")
        form_class = {"plan": PlanForm, "drill": DrillForm, "incident": IncidentForm}[kind]
        form = form_class(request.POST, request.FILES)
        forms[kind] = form
        if form.is_valid():
            try:
                done = _file(kind, inst, user, form, request)
            except ValidationError as exc:
                _errors(form, exc)
            else:
                messages.success(request, done)
                return redirect("institution_portal:reports")
    from supervision.deadlines.services import open_deadlines_for

    return render(
        request,
        "institutions/portal/reports.html",
        {
            **institution_context(request),
            "institution": inst,
            "forms": forms,
            "plans": list(EmergencyPlan.objects.visible_to(user).filter(institution=inst)[:20]),
            "drills": list(
                Drill.objects.visible_to(user).filter(institution=inst).prefetch_related("photos")[:20]
            ),
            "incidents": list(
                IncidentReport.objects.visible_to(user)
                .filter(institution=inst)
                .select_related("timeliness")[:20]
            ),
            "clocks": list(
                open_deadlines_for(inst).filter(rule__code__startswith="drill.").select_related("rule")
            ),
        },
    )


def _file(kind: str, inst: Institution, user: Any, form: Any, request: HttpRequest) -> str:
    data = dict(form.cleaned_data)
    if kind == "plan":
        reporting.institution_plan_add(inst, actor=user, **data)
        return "应急预案已登记。"
    if kind == "drill":
        data.pop("photos", None)
        data["participants"] = data.get("participants") or 0
        reporting.institution_drill_record(inst, actor=user, photos=request.FILES.getlist("photos"), **data)
        return "演练已登记，下一次演练期限已开启。"
    data["affected"] = data.get("affected") or 0
    report = reporting.institution_incident_report(inst, actor=user, **data)
    late = getattr(report, "timeliness", None)
    if late is not None and late.late:
        return f"报告已报送有关部门。注意：已超过报告时限（{late.limit_hours} 小时），记为迟报。"
    return "报告已报送有关部门。"


@login_required
def drill_photo(request: HttpRequest, pk: int) -> FileResponse:
    """A drill photo: the institution's own, or any staff member's who sees the institution."""
    photo = get_visible_or_404(DrillPhoto.objects.all(), request.user, pk=pk)
    return files.download(photo.file, filename=f"演练照片-{photo.pk}.jpg", inline=True)


@login_required
@require_POST
def disclosure_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Civil affairs accepts (or rejects, with a reason) an institution's disclosure change."""
    change = get_visible_or_404(DisclosureChange.objects.select_related("institution"), request.user, pk=pk)
    policy.require(request.user, change, "decide")
    accept = request.POST.get("decision") == "accept"
    try:
        disclosure_service.disclosure_decide(
            change, actor=request.user, accept=accept, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "已确认，公开页面已更新。" if accept else "已退回该变更。")
    return redirect(reverse("institutions:detail", args=[change.institution_id]) + "#reported")


def reported_count(user: Any, inst: Any) -> int:
    from .report_models import IncidentTimeliness

    return (
        DisclosureChange.objects.visible_to(user).filter(institution=inst).count()
        + IncidentTimeliness.objects.visible_to(user).filter(report__institution=inst).count()
    )


def reported_render(request: Any, inst: Any) -> tuple[str, dict[str, Any]]:
    """The institution page's tab: what the institution filed itself (disclosure changes, and its
    incident reports with their timeliness — 迟报 shown)."""
    from .report_models import IncidentTimeliness

    changes = list(DisclosureChange.objects.visible_to(request.user).filter(institution=inst)[:50])
    for c in changes:
        c.rows = disclosure_service.change_rows(c)  # type: ignore[attr-defined]
    return "institutions/portal/file_reported.html", {
        "changes": changes,
        "may_decide": policy.can(request.user, inst, "keep"),
        "timeliness": list(
            IncidentTimeliness.objects.visible_to(request.user)
            .filter(report__institution=inst)
            .select_related("report")
            .order_by("-report__occurred_at")[:50]
        ),
    }
