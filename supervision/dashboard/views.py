"""领导驾驶舱: the figures of the user's jurisdiction, region by region down to the township;
every number links to the list behind it; each chart's figures download as CSV or Excel; each
indicator's definition is a page of its own. Thin: figures come from ``snapshots``."""

from __future__ import annotations

import csv
import io
from typing import Any
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode

from supervision import indicators
from supervision.core.exports import safe_row
from supervision.core.models import Region, Role
from supervision.core.querysets import regions_visible_to
from supervision.core.web import xlsx_response
from supervision.indicators import Period

from .forms import DashboardForm
from .layout import SECTIONS, chart_by_key
from .snapshots import figures_for

DOWNLOAD_HEADERS = ["区划", "统计期", "指标", "数值", "单位", "指标代码"]


def _home_region(user: Any) -> Region | None:
    """The outermost region of the user's posts (the whole country for a superuser)."""
    posts = sorted(user.active_assignments(), key=lambda a: (a.region.level, a.region.code))
    if posts:
        return posts[0].region
    if user.is_superuser:
        return Region.objects.order_by("level", "code").first()
    return None


def _region_and_period(request: HttpRequest) -> tuple[Region, Period]:
    """The requested region (inside the jurisdiction, else 404) and year (default this year)."""
    user: Any = request.user
    code = (request.GET.get("region") or "").strip()
    region = regions_visible_to(user).filter(code=code.ljust(12, "0")).first() if code else _home_region(user)
    if region is None:
        raise Http404("未找到或无权查看")
    year_text = (request.GET.get("year") or "").strip()
    this_year = timezone.localdate().year
    if not year_text:
        return region, Period.year(this_year)
    if not year_text.isdigit() or not 2000 <= int(year_text) <= this_year:
        raise Http404("统计年度无效")
    return region, Period.year(int(year_text))


def _breadcrumb(user: Any, region: Region) -> list[Region]:
    chain = list(reversed(region.ancestors()))
    visible = set(regions_visible_to(user).filter(pk__in=[r.pk for r in chain]).values_list("pk", flat=True))
    return [r for r in chain if r.pk in visible]


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    region, period = _region_and_period(request)
    payload, computed_at, cached = figures_for(request.user, region, period)
    query: dict[str, Any] = {"region": region.code, "year": period.start.year}
    for child in payload["children"]:
        child["dashboard_url"] = "?" + urlencode({**query, "region": child["code"]})
    form = DashboardForm(initial={"region": region.code, "year": str(period.start.year)}, user=request.user)
    return render(
        request,
        "dashboard/dashboard.html",
        {
            "region": region,
            "period": period,
            "payload": payload,
            "computed_at": computed_at,
            "cached": cached,
            "breadcrumb": _breadcrumb(request.user, region),
            "form": form,
            "querystring": urlencode(query),
        },
    )


def _chart_rows(payload: dict[str, Any], key: str) -> list[list[Any]]:
    region = payload["region"]["name"]
    period = payload["period"]["label"]
    if key == "children":
        rows = []
        for child in payload["children"]:
            for item in child["cells"]:
                if item:
                    rows.append(
                        [child["name"], period, item["name"], item["value"], item["unit"], item["code"]]
                    )
        return rows
    for section in payload["sections"]:
        for chart in section["charts"]:
            if chart["key"] == key:
                return [[region, period, i["name"], i["value"], i["unit"], i["code"]] for i in chart["items"]]
    raise Http404("未找到该图表")


@login_required
def download(request: HttpRequest, key: str, fmt: str) -> HttpResponse:
    """One chart's figures (or the region table's) as CSV or Excel."""
    if fmt not in ("csv", "xlsx") or (key != "children" and chart_by_key(key) is None):
        raise Http404("未找到该图表")
    region, period = _region_and_period(request)
    payload, _, _ = figures_for(request.user, region, period)
    rows = _chart_rows(payload, key)
    title = "下级区划" if key == "children" else chart_by_key(key).title  # type: ignore[union-attr]
    name = f"{region.name}{period.label}{title}"
    if fmt == "xlsx":
        return xlsx_response(f"{name}.xlsx", DOWNLOAD_HEADERS, rows)
    buf = io.StringIO()
    buf.write("\ufeff")  # Excel opens UTF-8 CSV correctly only with the BOM
    writer = csv.writer(buf)
    writer.writerow(DOWNLOAD_HEADERS)
    for row in rows:
        writer.writerow(safe_row(row))
    response = HttpResponse(buf.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}.csv"
    return response


@login_required
def indicator_detail(request: HttpRequest, code: str) -> HttpResponse:
    """An indicator's definition: what is counted, its unit, its source, and its list."""
    try:
        ind = indicators.get(code)
    except LookupError as exc:
        raise Http404("未找到该指标") from exc
    region = _home_region(request.user)
    if region is None:
        raise Http404("未找到或无权查看")
    period = Period.year(timezone.localdate().year)
    return render(
        request,
        "dashboard/indicator_detail.html",
        {
            "indicator": ind,
            "region": region,
            "period": period,
            "list_url": ind.list_url(region, period) if ind.list_url else None,
        },
    )


@login_required
def indicator_index(request: HttpRequest) -> HttpResponse:
    """Every indicator of the dashboard with its definition (the registry's catalogue)."""
    from .figures import chart_codes

    sections = []
    for section in SECTIONS:
        codes = [c for chart in section.charts for c in chart_codes(chart)]
        items = []
        for code in dict.fromkeys(codes):
            try:
                items.append(indicators.get(code))
            except LookupError:
                continue
        sections.append({"title": section.title, "indicators": items})
    return render(request, "dashboard/indicator_index.html", {"sections": sections})


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The first page: the dashboard for leaders, the workbench for everyone else."""
    user: Any = request.user
    if any(a.role == Role.LEADER for a in user.active_assignments()):
        return redirect("dashboard:index")
    return redirect("workbench")
