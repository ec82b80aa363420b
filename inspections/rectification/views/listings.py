"""Listed supervision (挂牌督办): list, new, detail, progress and closing."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from inspections.models import Finding
from supervision.core import policy
from supervision.core.scoping import get_visible_or_404
from supervision.core.web import ScopedDetailView

from .. import services
from ..filters import ListingFilter
from ..forms import (
    CloseForm,
    ListingForm,
    ProgressForm,
)
from ..models import (
    ListedSupervision,
)
from .common import _form_errors, _List, error_text

# --- listed supervision ------------------------------------------------------------------------


class ListingListView(_List):
    model = ListedSupervision
    filterset_class = ListingFilter
    template_name = "rectification/listing_list.html"
    sortable = ("deadline", "listed_on", "status")
    export_name = "挂牌督办"
    export_columns = [
        ("机构", "finding.institution.name"),
        ("重大隐患", "finding.description"),
        ("挂牌督办机关", "supervising_body"),
        ("承办部门", "department.name"),
        ("挂牌日期", "listed_on"),
        ("督办期限", "deadline"),
        ("状态", "get_status_display"),
        ("销号日期", "closed_on"),
    ]

    def base_queryset(self):
        return ListedSupervision.objects.with_clock().select_related("finding__institution", "department")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        findings: Any = Finding.objects.visible_to(self.request.user)
        unlisted = list(
            findings.major_open()
            .filter(listing__isnull=True)
            .select_related("institution__region", "supervising_department", "domain")[:50]
        )
        for f in unlisted:
            f.may_list = _may_list(self.request.user, f)
        ctx["unlisted"] = unlisted
        return ctx


def _may_list(user: Any, finding: Finding) -> bool:
    return policy.can(
        user,
        ListedSupervision,
        "open",
        region=finding.institution.region,
        department=finding.supervising_department,
        domain=finding.domain,
    )


@login_required
def listing_new(request: HttpRequest, finding_pk: int) -> HttpResponse:
    finding = get_visible_or_404(
        Finding.objects.select_related("institution__region", "supervising_department", "domain"),
        request.user,
        pk=finding_pk,
    )
    if request.method == "POST":
        policy.require(
            request.user,
            ListedSupervision,
            "open",
            region=finding.institution.region,
            department=finding.supervising_department,
            domain=finding.domain,
        )
    form = ListingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            listing = services.listing_open(finding, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            return redirect("rectification:listing_detail", pk=listing.pk)
    return render(request, "rectification/listing_form.html", {"form": form, "finding": finding})


class ListingDetailView(ScopedDetailView):
    model = ListedSupervision
    template_name = "rectification/listing_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx.setdefault("progress_form", ProgressForm())
        ctx.setdefault("close_form", CloseForm())
        return ctx


@login_required
@require_POST
def listing_progress(request: HttpRequest, pk: int) -> HttpResponse:
    listing = get_visible_or_404(ListedSupervision.objects.all(), request.user, pk=pk)
    policy.require(request.user, listing, "progress")
    form = ProgressForm(request.POST)
    if form.is_valid():
        try:
            services.listing_progress_add(
                listing,
                actor=request.user,
                text=form.cleaned_data["text"],
                on=form.cleaned_data["reported_on"],
            )
        except ValidationError as exc:
            messages.error(request, error_text(exc))
    else:
        messages.error(request, "请填写整改进展。")
    return redirect("rectification:listing_detail", pk=pk)


@login_required
@require_POST
def listing_close(request: HttpRequest, pk: int) -> HttpResponse:
    listing = get_visible_or_404(ListedSupervision.objects.all(), request.user, pk=pk)
    policy.require(request.user, listing, "close")
    try:
        services.listing_close(listing, actor=request.user, note=request.POST.get("note", ""))
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, "挂牌督办已销号。")
    return redirect("rectification:listing_detail", pk=pk)
