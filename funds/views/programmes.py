"""Subsidy programmes: the list (with its Excel export) and the create/edit form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from supervision.core import policy
from supervision.core.scoping import get_visible_or_404
from supervision.core.web import Column

from .. import services
from ..filters import ProgrammeFilter
from ..forms import ProgrammeForm
from ..models import SubsidyProgramme
from .common import FundsList, form_errors


class ProgrammeListView(FundsList):
    model = SubsidyProgramme
    filterset_class = ProgrammeFilter
    template_name = "funds/programme_list.html"
    heading = "补贴项目"
    section = "programmes"
    create = (SubsidyProgramme, "keep")
    sortable = ("name", "kind")
    default_ordering = ("region__code", "kind", "name")
    export_name = "补贴项目"
    export_columns: list[Column] = [
        ("项目名称", "name"),
        ("补贴类别", "get_kind_display"),
        ("实施地区", "region.name"),
        ("补贴标准（元）", lambda p: float(p.unit_amount)),
        ("政策依据", "legal_basis"),
        ("依据文件", "source_document"),
        ("有效", lambda p: "是" if p.active else "否"),
    ]

    def base_queryset(self):
        return SubsidyProgramme.objects.select_related("region").prefetch_related("budgets")


@login_required
def programme_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    programme = get_visible_or_404(SubsidyProgramme.objects.all(), request.user, pk=pk) if pk else None
    if request.method == "POST":
        if programme is not None:
            policy.require(request.user, programme, "keep")
        else:
            policy.require_ever(request.user, SubsidyProgramme, "keep")
    form = ProgrammeForm(request.POST or None, instance=programme, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.programme_save(request.user, form.instance, created=programme is None)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, "补贴项目已保存。")
            return redirect("funds:programme_list")
    return render(
        request, "funds/programme_form.html", {"form": form, "programme": programme, "section": "programmes"}
    )
