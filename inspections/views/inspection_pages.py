"""Inspections: list, create, record, checklist, steps and evidence files."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from supervision.core import policy
from supervision.core.scoping import get_visible_or_404
from supervision.core.web import ScopedListView
from supervision.files import store as files

from .. import services
from ..filters import InspectionFilter
from ..forms import (
    CloseForm,
    ConfirmForm,
    EvidenceForm,
    InspectionCreateForm,
    PublishForm,
    RefusalForm,
    SignForm,
)
from ..models import (
    Evidence,
    Finding,
    Inspection,
)
from .common import _errors

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
    from ..checklist_view import checklist as show

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
