"""Quarterly spot checks (003 4.): the rounds, opening a county's quarter, committing the seed,
the draw, the check of each drawn claim and its third-party report."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from supervision.core import policy
from supervision.core.scoping import get_visible_or_404
from supervision.core.web import Column, ScopedDetailView
from supervision.files import store
from supervision.files.models import StoredFile

from .. import services
from ..filters import RoundFilter
from ..forms import CheckForm, CommitForm
from ..models import SpotCheckItem, SpotCheckRound
from ..services.spotchecks import quarter_of, rerun
from .common import FundsList, acted_on, post_form, run, user_county


class RoundListView(FundsList):
    model = SpotCheckRound
    filterset_class = RoundFilter
    template_name = "funds/round_list.html"
    heading = "季度抽查"
    section = "rounds"
    sortable = ("year", "quarter", "status")
    default_ordering = ("-year", "-quarter", "region__code")
    export_name = "补贴资金季度抽查"
    export_columns: list[Column] = [
        ("地区", "region.name"),
        ("年度", "year"),
        ("季度", "quarter"),
        ("状态", "get_status_display"),
        ("抽查比例", lambda r: float(r.ratio)),
        ("抽中申报数", "item_count"),
        ("随机种子承诺值（SHA-256）", "seed_hash"),
    ]

    def base_queryset(self):
        return SpotCheckRound.objects.select_related("region").annotate(item_count=Count("items"))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        county = user_county(self.request.user)
        ctx["county"] = county
        ctx["may_open"] = county is not None and policy.can(
            self.request.user, SpotCheckRound, "check", region=county
        )
        ctx["year"], ctx["quarter"] = quarter_of(timezone.localdate())
        return ctx


@login_required
@require_POST
def round_open(request: HttpRequest) -> HttpResponse:
    county = user_county(request.user)
    if county is None:
        messages.error(request, "您的岗位不在县级辖区，不能开展季度抽查。")
        return redirect("funds:round_list")
    policy.require(request.user, SpotCheckRound, "check", region=county)
    year, quarter = quarter_of(timezone.localdate())
    round_ = services.spot_check_open(county, year, quarter, actor=request.user)
    return redirect("funds:round_detail", pk=round_.pk)


class RoundDetailView(ScopedDetailView):
    model = SpotCheckRound
    template_name = "funds/round_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        r = self.object
        ctx["section"] = "rounds"
        ctx["may_check"] = policy.can(self.request.user, r, "check")
        ctx["items"] = r.items.select_related("claim", "claim__institution", "checked_by")
        ctx["commit_form"] = CommitForm(initial={"ratio": r.ratio})
        ctx["check_form"] = CheckForm(initial={"checked_on": timezone.localdate()})
        ctx["population"] = len(r.inputs.get("institutions", [])) if r.inputs else 0
        if r.status in ("drawn", "completed"):
            ctx["verified"] = rerun(r.seed, r.inputs) == r.result.get("drawn")
        return ctx


@login_required
@require_POST
def round_commit(request: HttpRequest, pk: int) -> HttpResponse:
    r = acted_on(request, SpotCheckRound.objects.all(), pk, "check")
    post_form(
        request,
        CommitForm(request.POST),
        "抽查比例须大于 0、不超过 1。",
        lambda d: services.spot_check_commit(r, actor=request.user, ratio=d["ratio"]),
        "已公布抽取参数和随机种子承诺值，可以执行抽取。",
    )
    return redirect("funds:round_detail", pk=pk)


@login_required
@require_POST
def round_draw(request: HttpRequest, pk: int) -> HttpResponse:
    r = acted_on(request, SpotCheckRound.objects.all(), pk, "check")
    run(request, lambda: services.spot_check_draw(r, actor=request.user), "已抽取，随机种子已公开，可复核。")
    return redirect("funds:round_detail", pk=pk)


@login_required
@require_POST
def item_check(request: HttpRequest, pk: int) -> HttpResponse:
    item = acted_on(request, SpotCheckItem.objects.select_related("round"), pk, "check")
    post_form(
        request,
        CheckForm(request.POST, request.FILES),
        "请填写核查结果和核查日期。",
        lambda d: services.spot_check_record(
            item,
            actor=request.user,
            result=d["result"],
            checked_on=d["checked_on"],
            beds_found=d["beds_found"],
            status_ok=d["status_ok"],
            staff_ok=d["staff_ok"],
            inspections_note=d["inspections_note"],
            note=d["note"],
            third_party=d["third_party"],
            third_party_conclusion=d["third_party_conclusion"],
            third_party_report=d["third_party_report"],
        ),
        "核查结果已登记。",
    )
    return redirect("funds:round_detail", pk=item.round_id)


@login_required
def item_report(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The third-party check report of a drawn claim, for those who see the spot check."""
    item = get_visible_or_404(SpotCheckItem.objects.all(), request.user, pk=pk)
    if not item.third_party_report:
        raise Http404("未上传第三方核查报告")
    stored = StoredFile.objects.filter(name=item.third_party_report).first()
    name = stored.original_name if stored is not None and stored.original_name else "第三方核查报告"
    return store.download(item.third_party_report, filename=name)
