"""The public pages: the directory, its region picker, CSV and JSON, the data page, an institution."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supervision.core.exports import SafeDictWriter
from supervision.core.filters import error_messages
from supervision.core.middleware import bad_query_response
from supervision.core.models import Region, RegionLevel
from supervision.publicity.web import public_page

from ..models import (
    FilingKind,
    GradeLevel,
    Institution,
)
from ..personal import mask_name
from ..querysets import with_current_grade
from .common import PAGE_SIZE, PUBLIC_DETAIL_STATUSES, mask_phone, scrub_text
from .directory import (
    COLUMN_KEYS,
    DIRECTORY_COLUMNS,
    PublicDirectoryFilter,
    _in_chunks,
    attach_grades,
    directory_queryset,
    directory_row,
    json_schema,
    region_path,
    sort_key,
)
from .feed import _register_with_publicity
from .sections import detail_sections

# --- views ---------------------------------------------------------------------------------


def _querystring(params: Any, drop: tuple[str, ...] = ("page",)) -> str:
    q = params.copy()
    for key in drop:
        q.pop(key, None)
    return q.urlencode()


def first_level_regions() -> QuerySet[Region]:
    """The first select of the region picker: prefectures, and the municipalities whose
    districts hang directly under them (天津市, 重庆市)."""
    municipalities = Region.objects.filter(level=RegionLevel.COUNTY).values("parent_id")
    return Region.objects.filter(
        Q(level=RegionLevel.CITY) | Q(level=RegionLevel.PROVINCE, pk__in=municipalities)
    ).order_by("code")


def region_picker_context(path: list[Region]) -> dict[str, Any]:
    """Options of the cascading region selects: prefectures and the municipalities whose
    districts hang directly under them (天津市, 重庆市), then the counties of the chosen one,
    then the townships of the chosen county. A region chosen alone (a county or a township from
    a link) shows its ancestors as chosen; a single first-level region is chosen implicitly."""
    fields = ("code", "name", "level", "parent_id")
    tops = list(first_level_regions().only(*fields))
    known = {r.pk: r for r in (*tops, *path)}

    def parent(region: Region | None) -> Region | None:
        if region is None or region.parent_id is None:
            return None
        if region.parent_id not in known:
            found = Region.objects.filter(pk=region.parent_id).only(*fields).first()
            if found is None:
                return None
            known[found.pk] = found
        return known[region.parent_id]

    deepest = path[-1] if path else None
    town = deepest if deepest is not None and deepest.level == RegionLevel.TOWNSHIP else None
    county = parent(town) if town is not None else None
    if deepest is not None and deepest.level == RegionLevel.COUNTY:
        county = deepest
    top_pks = {r.pk for r in tops}
    top = parent(county) if county is not None else None
    if top is None and deepest is not None and deepest.pk in top_pks:
        top = deepest
    if top is not None and top.pk not in top_pks:
        top = None
    if top is None and len(tops) == 1:
        top = tops[0]
    levels: list[dict[str, Any]] = [
        {"label": _("市（州、盟）"), "id": "region-city", "options": tops, "selected": top}
    ]
    if top is not None:
        counties = list(
            Region.objects.filter(parent_id=top.pk, level=RegionLevel.COUNTY).only(*fields).order_by("code")
        )
        levels.append(
            {"label": _("县（市、区）"), "id": "region-county", "options": counties, "selected": county}
        )
    if county is not None:
        towns = list(
            Region.objects.filter(parent_id=county.pk, level=RegionLevel.TOWNSHIP)
            .only(*fields)
            .order_by("code")
        )
        levels.append({"label": _("乡镇（街道）"), "id": "region-town", "options": towns, "selected": town})
    return {"region_levels": levels}


def _refusal(request: HttpRequest, fs: PublicDirectoryFilter) -> HttpResponse | None:
    """400 with the Chinese reasons when the filters are invalid (never "everything")."""
    if fs.is_bound and not fs.is_valid():
        return bad_query_response(request, error_messages(fs))
    return None


@public_page
def directory(request: HttpRequest) -> HttpResponse:
    params = request.GET
    if "region" not in params:
        # A first visit shows the deployment's own regions (a citizen of 阳谷 is not shown
        # Tianjin); choosing 全部 in the region picker widens it explicitly.
        from supervision.core.regionpicker import deployment_codes

        params = params.copy()  # type: ignore[assignment]
        params.setlist("region", deployment_codes())  # type: ignore[misc]
    qs, fs, path = directory_queryset(params)
    if refused := _refusal(request, fs):
        return refused
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [directory_row(inst) for inst in attach_grades(list(page.object_list))]
    context = {
        "filter": fs,
        "rows": rows,
        "page_obj": page,
        "paginator": page.paginator,
        "is_paginated": page.paginator.num_pages > 1,
        "querystring": _querystring(request.GET),
        "export_querystring": _querystring(request.GET, drop=()),
        "sort_querystring": _querystring(request.GET, drop=("page", "o")),
        "current_ordering": sort_key(request.GET),
        "region_path": path,
        **region_picker_context(path),
    }
    return render(request, "public/institution_directory.html", context)


@public_page
def region_picker(request: HttpRequest) -> HttpResponse:
    """The cascading selects alone (htmx swaps them in when a select changes)."""
    path = region_path(request.GET.getlist("region"))
    return render(request, "public/institution_region_picker.html", region_picker_context(path))


class _Refused(Exception):
    def __init__(self, response: HttpResponse) -> None:
        self.response = response


def _export_rows(request: HttpRequest) -> tuple[Iterator[dict[str, Any]], int, int | None]:
    qs, fs, _path = directory_queryset(request.GET)
    if refused := _refusal(request, fs):
        raise _Refused(refused)
    if request.GET.get("page"):
        page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
        rows = [directory_row(i) for i in attach_grades(list(page.object_list))]
        return iter(rows), page.paginator.count, page.number
    return (directory_row(i) for i in _in_chunks(qs)), qs.count(), None


class _Echo:
    def write(self, value: str) -> str:
        return value


@public_page
def directory_csv(request: HttpRequest) -> HttpResponse:
    """UTF-8 CSV with a BOM (Excel opens it correctly), header row = ``COLUMN_KEYS``; every
    cell through ``exports.safe_cell`` (no formulas)."""
    try:
        rows, _count, page = _export_rows(request)
    except _Refused as refused:
        return refused.response
    if page is not None:
        buf = io.StringIO()
        writer = SafeDictWriter(buf, fieldnames=COLUMN_KEYS)
        writer.writeheader()
        writer.writerows(rows)
        response: HttpResponse = HttpResponse(
            "\ufeff" + buf.getvalue(), content_type="text/csv; charset=utf-8"
        )
    else:
        writer = SafeDictWriter(_Echo(), fieldnames=COLUMN_KEYS)  # type: ignore[arg-type]

        def stream() -> Iterator[str]:
            yield "\ufeff" + writer.writeheader()  # type: ignore[operator]
            for row in rows:
                yield writer.writerow(row)  # type: ignore[misc]

        response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")  # type: ignore[assignment]
    response["Content-Disposition"] = 'attachment; filename="institutions.csv"'
    return response


@public_page
def directory_json(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    try:
        rows, count, page = _export_rows(request)
    except _Refused as refused:
        return refused.response
    head = {
        "dataset": "institutions",
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "columns": COLUMN_KEYS,
        "count": count,
        "page": page,
    }
    if page is not None:
        return JsonResponse({**head, "results": list(rows)}, json_dumps_params={"ensure_ascii": False})

    def stream() -> Iterator[str]:
        yield json.dumps(head, ensure_ascii=False)[:-1] + ', "results": ['
        for i, row in enumerate(rows):
            yield ("," if i else "") + json.dumps(row, ensure_ascii=False)
        yield "]}"

    return StreamingHttpResponse(stream(), content_type="application/json")


@public_page
def schema(request: HttpRequest) -> HttpResponse:
    return JsonResponse(json_schema(), json_dumps_params={"ensure_ascii": False, "indent": 2})


@public_page
def data_page(request: HttpRequest) -> HttpResponse:
    """Human-readable documentation of the open data."""
    return render(
        request,
        "public/institution_data.html",
        {"columns": DIRECTORY_COLUMNS},
    )


def institution_disclosure(inst: Institution) -> dict[str, Any]:
    """The allow-list of the detail page: nothing outside this dict reaches the template."""
    filing = inst.filings.filter(kind=FilingKind.INITIAL).order_by("-submitted_on", "-pk").first()
    keep = [inst.credit_code or ""]
    return {
        "credit_code": inst.credit_code,
        "name": inst.name,
        "kind": inst.get_kind_display(),
        "nature": inst.get_nature_display(),
        "status": inst.get_status_display(),
        "status_code": inst.status,
        "region": inst.region.full_name(),
        "address": scrub_text(inst.address, keep),
        "legal_representative": mask_name(inst.legal_representative),
        "principal": mask_name(inst.principal),
        "beds": inst.beds,
        "opened_on": inst.opened_on,
        "introduction": scrub_text(inst.introduction, keep),
        "rules": scrub_text(inst.rules, keep),
        "service_items": scrub_text(inst.service_items, keep),
        "fee_standards": scrub_text(inst.fee_standards, keep),
        "medical_service": scrub_text(inst.medical_service, keep),
        "complaint_phone": mask_phone(inst.complaint_phone),
        "contact_phone": mask_phone(inst.contact_phone),
        "grade": str(GradeLevel(grade).label) if (grade := getattr(inst, "current_grade", None)) else "",
        "disclosure_updated_on": inst.disclosure_updated_on,
        "filing_date": filing.submitted_on if filing else None,
        "commitment_text": scrub_text(filing.commitment_text, keep) if filing else "",
    }


@public_page
def institution_public(request: HttpRequest, credit_code: str) -> HttpResponse:
    inst = (
        with_current_grade(Institution.objects.select_related("region__parent__parent__parent"))
        .filter(credit_code=credit_code.upper(), status__in=PUBLIC_DETAIL_STATUSES)
        .first()
    )
    if inst is None:
        raise Http404("未找到该机构")
    return render(
        request,
        "public/institution_detail.html",
        {
            "d": institution_disclosure(inst),
            "sections": detail_sections(inst),
        },
    )


_register_with_publicity()
