"""Staff pages of the 004 evaluation (thin: scope, policy, one service call, redirect)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from supervision.core import policy
from supervision.core.models import RegionLevel
from supervision.core.present import cite
from supervision.core.scoping import get_visible_or_404
from supervision.core.web import Column, ScopedListView
from supervision.files import store
from supervision.reports.formats import date_cn, shown
from supervision.reports.forms import ReturnForm
from supervision.reports.step_views import submission_step
from supervision.reports.webutils import error_text, own_units, require_civil_post

from . import services
from .data.indicators_004 import FORM_NOTE, GROUPS
from .documents import entries, evaluation_docx, evaluation_xlsx
from .filters import EvaluationFilter
from .forms import EntryForm, EvaluationNewForm, PreparerForm
from .models import Evaluation, EvaluationEntry, EvaluationEvidence

EXPORT_COLUMNS: list[Column] = [
    ("评估年度", "year"),
    ("填报单位", "unit_name"),
    ("联系人", "preparer"),
    ("填报日期", "prepared_on"),
    ("状态", "get_state_display"),
    ("退回理由", "return_reason"),
]


class EvaluationListView(ScopedListView):
    model = Evaluation
    filterset_class = EvaluationFilter
    template_name = "evaluation/evaluation_list.html"
    sortable = ("year", "state", "region__code")
    default_ordering = ("-year", "region__code")
    export_columns = EXPORT_COLUMNS
    export_name = "效能评估表"

    def base_queryset(self) -> Any:
        return Evaluation.objects.select_related("region")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        units = own_units(self.request.user)
        ctx["can_create"] = bool(units)
        # The level above sees which units below have not sent the year's form (a year chosen).
        year = self.request.GET.get("year", "")
        if units and units[0].level < RegionLevel.TOWNSHIP and year.isdigit():
            ctx["missing_year"] = int(year)
            ctx["missing"] = list(services.missing_units(self.request.user, units[0], int(year)))
        return ctx


@login_required
def evaluation_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        require_civil_post(request.user, "效能评估表")
    units = own_units(request.user)
    form = EvaluationNewForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and units:
        unit, data = units[0], form.cleaned_data
        try:
            if data["scope"] == "call":
                made = services.evaluation_call(request.user, region=unit, year=data["year"], due=data["due"])
                messages.success(request, f"已通知下级 {len(made)} 个单位填报效能评估表，并开启报送时限。")
                return redirect(f"{reverse('evaluation:list')}?year={data['year']}&region={unit.code}")
            evaluation = services.evaluation_create(
                request.user, region=unit, year=data["year"], preparer=data["preparer"]
            )
            return redirect(evaluation)
        except ValidationError as exc:
            form.add_error(None, error_text(exc))
    return render(request, "evaluation/evaluation_new.html", {"form": form, "units": units})


def _evaluation(request: HttpRequest, pk: int) -> Evaluation:
    return get_visible_or_404(Evaluation.objects.select_related("region"), request.user, pk=pk)


def _shown(computed: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The registry figures of a row as people read them: the value with its unit, the sources
    by their documents' titles."""
    return [
        {**row, "shown": shown(row["value"], row["unit"]), "source": cite(row["source"])} for row in computed
    ]


def _rows(evaluation: Evaluation) -> list[tuple[str, list[dict[str, Any]]]]:
    names = dict(GROUPS)
    grouped: list[tuple[str, list[dict[str, Any]]]] = []
    for entry in entries(evaluation):
        if not grouped or grouped[-1][0] != names[entry.group]:
            grouped.append((names[entry.group], []))
        computed = _shown(entry.computed)
        grouped[-1][1].append({"entry": entry, "computed": computed})
    return grouped


@login_required
def evaluation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = _evaluation(request, pk)
    user = request.user
    ctx = {
        "evaluation": evaluation,
        "groups": _rows(evaluation),
        "computed_at": date_cn(evaluation.computed_at),
        "form_note": FORM_NOTE,
        "events": evaluation.events.select_related("actor"),
        "can_fill": evaluation.is_editable and policy.can(user, evaluation, "fill"),
        "can_review": evaluation.state == "submitted" and policy.can(user, evaluation, "review"),
        "preparer_form": PreparerForm(initial={"preparer": evaluation.preparer}),
        "return_form": ReturnForm(),
    }
    return render(request, "evaluation/evaluation_detail.html", ctx)


def _entry(request: HttpRequest, pk: int, number: str) -> EvaluationEntry:
    evaluation = _evaluation(request, pk)
    entry = evaluation.entries.filter(number=number).first()
    if entry is None:
        raise Http404("未找到该指标")
    return entry


@login_required
def entry_edit(request: HttpRequest, pk: int, number: str) -> HttpResponse:
    """Answer one row (and add an evidence file) while the form may still change."""
    entry = _entry(request, pk, number)
    evaluation = entry.evaluation
    if request.method == "POST":
        policy.require(request.user, evaluation, "fill")
    initial = {f: getattr(entry, f) for f in services.ENTRY_FIELDS}
    form = EntryForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                services.entry_update(
                    entry, actor=request.user, **{f: data[f] for f in services.ENTRY_FIELDS}
                )
                if data.get("file"):
                    services.evidence_add(
                        entry, actor=request.user, upload=data["file"], description=data["file_description"]
                    )
            messages.success(request, f"已保存指标 {entry.number}。")
            return redirect(f"{evaluation.get_absolute_url()}#row-{entry.number}")
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errs in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errs)
            else:
                form.add_error(None, error_text(exc))
    ctx = {
        "evaluation": evaluation,
        "entry": entry,
        "form": form,
        "computed": _shown(entry.computed),
        "evidence": entry.evidence.select_related("file"),
        "can_fill": evaluation.is_editable and policy.can(request.user, evaluation, "fill"),
    }
    return render(request, "evaluation/entry_form.html", ctx)


@login_required
def evidence_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    """An evidence file, to whoever may see its evaluation."""
    evidence = get_visible_or_404(
        EvaluationEvidence.objects.select_related("file", "entry__evaluation"), request.user, pk=pk
    )
    return store.download(evidence.file)


@login_required
def evaluation_word(request: HttpRequest, pk: int) -> HttpResponse:
    return evaluation_docx(_evaluation(request, pk))


@login_required
def evaluation_excel(request: HttpRequest, pk: int) -> HttpResponse:
    return evaluation_xlsx(_evaluation(request, pk))


@login_required
@require_POST
def evaluation_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    return submission_step(
        request,
        step,
        lambda: _evaluation(request, pk),
        edit_form=PreparerForm,
        edit_invalid="请填写联系人。",
        edit=lambda obj, user, d: services.evaluation_update(obj, actor=user, preparer=d["preparer"]),
        refresh=services.evaluation_refresh,
        submit=services.evaluation_submit,
        approve=services.evaluation_approve,
        return_=services.evaluation_return,
    )
