"""Staff pages: fund-raising risks (list, record, detail with its referrals and their clocks,
evidence, referral, closing), the yearly screening and its coverage per region."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from funds.deposits.views import _errors
from supervision.core import policy
from supervision.core.models import Region
from supervision.core.scoping import get_visible_or_404
from supervision.core.web import ScopedListView
from supervision.files import store
from supervision.referrals.models import Referral
from supervision.referrals.services import referrals_for

from . import services
from .filters import RiskItemFilter
from .forms import CloseForm, EvidenceForm, ReferForm, RiskForm, ScreeningForm
from .models import RiskEvidence, RiskItem, RiskState, Screening


class RiskList(ScopedListView):
    model = RiskItem
    filterset_class = RiskItemFilter
    template_name = "fundraising/risk_list.html"
    sortable = ("found_on", "level")
    default_ordering = ("-found_on", "-pk")
    export_name = "fundraising-risks"
    export_columns = [
        ("机构或经营者", "institution_name"),
        ("发生地", "region.name"),
        ("风险类型", "get_kind_display"),
        ("线索来源", "get_source_display"),
        ("风险等级", "get_level_display"),
        ("涉及金额（元）", "amount_involved"),
        ("涉及人数", "people_involved"),
        ("发现日期", "found_on"),
        ("登记部门", "department.name"),
        ("状态", "get_state_display"),
        ("处置结果", "outcome"),
    ]

    def base_queryset(self) -> QuerySet:
        return RiskItem.objects.select_related("region", "department", "institution")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["may_record"] = policy.can_ever(self.request.user, RiskItem, "record")
        return ctx


@login_required
def risk_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        policy.require_ever(request.user, RiskItem, "record")
    form = RiskForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            item = services.risk_record(
                actor=request.user,
                institution=d.get("institution"),
                institution_name=d.get("institution_name") or "",
                region=d.get("region") or d["institution"].region,
                kind=d["kind"],
                source=d["source"],
                complaint_code=d.get("complaint_code") or "",
                level=d["level"],
                description=d["description"],
                amount_involved=d.get("amount_involved"),
                people_involved=d.get("people_involved"),
                found_on=d["found_on"],
            )
        except ValidationError as exc:
            _errors(request, exc, form)
        else:
            messages.success(request, "已登记非法集资风险。下一步：补充证据，并移送地方金融监管、公安部门。")
            return redirect("fundraising:risk_detail", pk=item.pk)
    return render(request, "fundraising/risk_form.html", {"form": form})


def _item(request: HttpRequest, pk: int) -> RiskItem:
    return get_visible_or_404(
        RiskItem.objects.select_related("region", "department", "department_region", "institution"),
        request.user,
        pk=pk,
    )


def risk_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(f"/accounts/login/?next={request.path}")
    item = _item(request, pk)
    referrals = (
        Referral.objects.visible_to(request.user)
        .filter(pk__in=referrals_for(item).values("pk"))
        .select_related("to_department", "to_region", "from_department")
        .with_clocks()  # type: ignore[attr-defined]
        .order_by("pk")
    )
    ctx = {
        "item": item,
        "evidence": item.evidence.all(),
        "referrals": referrals,
        "may_refer": item.state == RiskState.OPEN and policy.can(request.user, item, "refer"),
        "may_close": item.state != RiskState.CLOSED and policy.can(request.user, item, "close"),
        "may_evidence": item.state != RiskState.CLOSED and policy.can(request.user, item, "evidence"),
        "evidence_form": EvidenceForm(),
        "refer_form": ReferForm(),
        "close_form": CloseForm(initial={"on": timezone.localdate()}),
    }
    return render(request, "fundraising/risk_detail.html", ctx)


@login_required
@require_POST
def evidence_new(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    policy.require(request.user, item, "evidence")
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.risk_add_evidence(
                item,
                actor=request.user,
                upload=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
            )
            messages.success(request, "已补充证据。")
        except ValidationError as exc:
            _errors(request, exc)
    else:
        messages.error(request, "请选择证据文件（图片或 PDF）。")
    return redirect("fundraising:risk_detail", pk=pk)


@login_required
def evidence_file(request: HttpRequest, pk: int) -> HttpResponseBase:
    evidence = RiskEvidence.objects.filter(pk=pk).first()
    # Seen through its risk item (its scope, and a referral's receiver): 404 otherwise.
    _item(request, evidence.item_id if evidence is not None else 0)
    assert evidence is not None
    return store.download(evidence.path, filename=evidence.original_name)


@login_required
@require_POST
def risk_refer(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    policy.require(request.user, item, "refer")
    form = ReferForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        referrals = services.risk_refer(item, actor=request.user, note=note)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        names = "、".join(r.to_department.name for r in referrals)
        messages.success(request, f"已登记抄告（{names}），请在 7 个工作日内发出抄告函。")
    return redirect("fundraising:risk_detail", pk=pk)


@login_required
@require_POST
def risk_close(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    policy.require(request.user, item, "close")
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.risk_close(
                item, actor=request.user, outcome=form.cleaned_data["outcome"], on=form.cleaned_data["on"]
            )
            messages.success(request, "已办结。")
        except ValidationError as exc:
            _errors(request, exc)
    else:
        messages.error(request, "请填写处置结果和办结日期。")
    return redirect("fundraising:risk_detail", pk=pk)


@login_required
def screening_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        policy.require_ever(request.user, Screening, "record")
    form = ScreeningForm(
        request.POST or None, user=request.user, initial={"screened_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.screening_record(
                institution=d["institution"],
                actor=request.user,
                screened_on=d["screened_on"],
                result=d["result"],
                note=d["note"],
            )
        except ValidationError as exc:
            _errors(request, exc, form)
        else:
            messages.success(request, f"已登记 {d['institution'].name} 的风险排查。")
            return redirect("fundraising:coverage")
    return render(request, "fundraising/screening_form.html", {"form": form})


def _home_region(user: Any) -> Region | None:
    posts = user.active_assignments()
    if not posts:
        return Region.objects.filter(level=1).order_by("code").first() if user.is_superuser else None
    return min((p.region for p in posts), key=lambda r: r.level)


@login_required
def coverage(request: HttpRequest) -> HttpResponse:
    """The screening campaign's coverage (004 (十)): institutions screened this year, per region
    below the chosen one (within the user's jurisdiction)."""
    today = timezone.localdate()
    year_text = request.GET.get("year", "")
    year = int(year_text) if year_text.isdigit() and 2000 <= int(year_text) <= 2100 else today.year
    home = _home_region(request.user)
    region = home
    code = request.GET.get("region", "")
    if code and home is not None:
        picked = Region.objects.filter(code=code.ljust(12, "0")[:12]).first()
        if picked is not None and (request.user.is_superuser or picked.code.startswith(home.prefix)):
            region = picked
    rows = (
        services.coverage(region, year, risks_visible=RiskItem.objects.visible_to(request.user))
        if region
        else []
    )
    totals: dict[str, float] = {
        "institutions": sum(r.institutions for r in rows),
        "screened": sum(r.screened for r in rows),
        "risks": sum(r.risks for r in rows),
    }
    totals["rate"] = (
        round(100 * totals["screened"] / totals["institutions"], 1) if totals["institutions"] else 0.0
    )
    ctx = {
        "region": region,
        "home": home,
        "year": year,
        "years": list(range(today.year, today.year - 5, -1)),
        "rows": rows,
        "totals": totals,
        "may_record": policy.can_ever(request.user, Screening, "record"),
    }
    return render(request, "fundraising/coverage.html", ctx)
