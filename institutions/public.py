"""Public directory and disclosure pages of institutions (no login), with open data.

* ``/public/institutions/``: the directory, with search (name, credit code, address), filters
  (region subtree down to township, kind, nature, grade, beds range, public status), sorting
  and pagination; ``export.csv`` and ``export.json`` honour the same parameters and carry the
  same rows as the page (``DIRECTORY_COLUMNS`` is the one allow-list, documented at
  ``data/`` and as JSON Schema at ``schema.json``).
* ``/public/institutions/<credit code>/``: the disclosure page (000 (九)(十一), 001 (十一)):
  basic information, service items, fee standards, complaint phone, beds, grade, the published
  filing commitment, plus sections that higher floors (inspections, rectification, credit)
  contribute through ``register_public_detail_section`` — this app never imports them.

Privacy: only allow-listed fields leave the server. Natural persons are masked (surname only),
phone fields holding a mobile number are masked (it is usually someone's personal phone) and
free-text fields are scrubbed of anything shaped like an ID number or a mobile number.
Unregistered "black" institutions (未登记) are never listed: what the public learns of them
comes through published inspection results and penalties of the other apps.

Infrastructure (not business logic): every view goes through publicity's ``public_page``
(throttled per client address; anonymous GETs cached under one version key, a hit runs no
query); signal receivers below bump that version whenever an Institution, Filing or
GradeRating is saved or deleted.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import django_filters
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.signals import post_delete, post_save
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from supervision.core.exports import SafeDictWriter
from supervision.core.filters import BoundedFilterSet, error_messages
from supervision.core.middleware import bad_query_response
from supervision.core.models import LEVEL_PREFIX, Region, RegionLevel
from supervision.publicity.masking import ID_PATTERN, MOBILE_PATTERN, mask_id
from supervision.publicity.registry import (
    Column,
    PublicDataset,
    register_public_dataset,
    register_public_feed,
)
from supervision.publicity.web import invalidate_public_pages, public_page

from .models import (
    Filing,
    FilingKind,
    GradeLevel,
    GradeRating,
    Institution,
    InstitutionKind,
    InstitutionNature,
    InstitutionStatus,
)
from .personal import mask_name
from .querysets import with_current_grade

S = InstitutionStatus

# Listed in the directory: institutions that operate (filed, registered but not yet filed,
# temporarily suspended). A terminated institution keeps its page by credit code (its
# inspection and penalty history stays public) but leaves the directory.
PUBLIC_LIST_STATUSES: tuple[str, ...] = (S.FILED, S.REGISTERED_NOT_FILED, S.SUSPENDED)
PUBLIC_DETAIL_STATUSES: tuple[str, ...] = (*PUBLIC_LIST_STATUSES, S.TERMINATED)
# Kept for callers of the original module.
PUBLIC_STATUSES = PUBLIC_DETAIL_STATUSES

PAGE_SIZE = 20


# --- privacy helpers -----------------------------------------------------------------------


def mask_phone(value: str) -> str:
    """A mobile number is masked (138****5678); landlines and hotlines are published as is."""
    return MOBILE_PATTERN.sub(lambda m: m.group(0)[:3] + "****" + m.group(0)[-4:], value or "")


def scrub_text(value: str, keep: Iterable[str] = ()) -> str:
    """Free text typed by an institution may contain someone's ID or mobile number: mask both.
    ``keep`` lists 18-character codes that are allowed (the institution's own credit code)."""
    allowed = {k.upper() for k in keep if k}

    def id_mask(m: re.Match[str]) -> str:
        s = m.group(0)
        return s if s.upper() in allowed else mask_id(s)

    return mask_phone(ID_PATTERN.sub(id_mask, value or ""))


# --- registry of detail sections contributed by higher floors ------------------------------

DetailSection = Callable[[Institution], "dict[str, Any] | None"]
_DETAIL_SECTIONS: list[DetailSection] = []


def register_public_detail_section(fn: DetailSection) -> DetailSection:
    """Register ``fn(institution) -> {"title", "template", "context"} | None``.

    Called from the registering app's ``AppConfig.ready``. The section is rendered with
    ``template`` and ``context`` below the institution's own disclosure, in registration
    order; ``None`` hides it. The function must return allow-listed, already-published data
    only. Usable as a decorator; registering the same function twice is a no-op."""
    if fn not in _DETAIL_SECTIONS:
        _DETAIL_SECTIONS.append(fn)
    return fn


def detail_sections(inst: Institution) -> list[dict[str, Any]]:
    out = []
    for fn in _DETAIL_SECTIONS:
        section = fn(inst)
        if section:
            html = render_to_string(section["template"], section.get("context") or {})
            out.append({"title": section["title"], "html": mark_safe(html)})  # nosec B308 B703 # our own template, rendered with auto-escaping
    return out


# --- page cache invalidation (infrastructure) ---------------------------------------------
# Throttle and page cache are publicity's (``supervision.publicity.web.public_page``); this
# module only tells it when institution data changes. Signals are for infrastructure only:
# no business reaction hangs on them.


def _on_change(sender: Any, **kwargs: Any) -> None:
    # Bump now (same process, tests) and again after commit, so that a page rendered from the
    # old rows between the save and the commit cannot stay cached under the new version.
    invalidate_public_pages()
    transaction.on_commit(invalidate_public_pages)


for _model in (Institution, Filing, GradeRating):
    post_save.connect(_on_change, sender=_model, dispatch_uid=f"public-dir-save-{_model.__name__}")
    post_delete.connect(_on_change, sender=_model, dispatch_uid=f"public-dir-delete-{_model.__name__}")


# --- the directory: filters, rows, columns -------------------------------------------------

PUBLIC_STATUS_CHOICES = [(v, label) for v, label in S.choices if v in PUBLIC_LIST_STATUSES]

# Sort keys offered to the public (?o=key or ?o=-key); each maps to a stable ordering.
SORTS = {
    "name": ("name", "pk"),
    "beds": ("beds", "pk"),
    "credit_code": ("credit_code",),
    "region": ("region__code", "name", "pk"),
}


def region_path(values: Iterable[str]) -> list[Region]:
    """Resolve the cascading region selects (``region`` may repeat, outermost first) into the
    chain of regions actually selected: a value is kept only if it lies inside the previous
    one, so that changing the county drops a township of another county."""
    codes = [v.strip() for v in values if v and v.strip()]
    if not codes:
        return []
    found = {r.code: r for r in Region.objects.filter(code__in=codes)}
    path: list[Region] = []
    for code in codes:
        region = found.get(code)
        if region is None or region.level not in LEVEL_PREFIX:
            continue
        if path and not (region.level > path[-1].level and path[-1].contains(region)):
            continue
        path.append(region)
    return path


class PublicDirectoryFilter(BoundedFilterSet):
    """The public directory's filters; the HTML page, CSV and JSON share it. Invalid input
    (``?beds_min=abc``) answers 400 with the Chinese reasons (``_refusal``)."""

    q = django_filters.CharFilter(method="search", label=_("名称、统一社会信用代码或地址"))
    kind = django_filters.ChoiceFilter(
        choices=InstitutionKind.choices, label=_("机构类型"), empty_label=_("全部")
    )
    nature = django_filters.ChoiceFilter(
        choices=InstitutionNature.choices, label=_("机构性质"), empty_label=_("全部")
    )
    status = django_filters.ChoiceFilter(
        choices=PUBLIC_STATUS_CHOICES, label=_("状态"), empty_label=_("全部")
    )
    grade = django_filters.ChoiceFilter(
        choices=GradeLevel.choices, method="with_grade", label=_("等级"), empty_label=_("全部")
    )
    beds_min = django_filters.NumberFilter(
        field_name="beds", lookup_expr="gte", min_value=0, label=_("床位数不少于")
    )
    beds_max = django_filters.NumberFilter(
        field_name="beds", lookup_expr="lte", min_value=0, label=_("床位数不多于")
    )

    class Meta:
        model = Institution
        fields = ["q", "kind", "nature", "status", "grade", "beds_min", "beds_max"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in ("kind", "nature", "status", "grade"):
            self.form.fields[field].widget.attrs["class"] = "form-select form-select-sm"

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(
            Q(name__icontains=value) | Q(credit_code__icontains=value.upper()) | Q(address__icontains=value)
        )

    def with_grade(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return with_current_grade(qs).filter(current_grade=int(value)) if value else qs  # type: ignore[misc]


def directory_base_queryset() -> QuerySet[Institution]:
    """Listed institutions, with only the columns the directory needs (no personal fields).
    The current grade is not annotated here: a correlated subquery in the select list runs for
    every matching row before the sort, so ``attach_grades`` fetches it for the shown rows."""
    return (
        Institution.objects.filter(status__in=PUBLIC_LIST_STATUSES, credit_code__isnull=False)
        .select_related("region__parent")
        .only(
            "credit_code",
            "name",
            "kind",
            "nature",
            "status",
            "address",
            "beds",
            "complaint_phone",
            "updated_at",
            "region__code",
            "region__name",
            "region__level",
            "region__parent__code",
            "region__parent__name",
            "region__parent__level",
        )
    )


def attach_grades(insts: list[Institution]) -> list[Institution]:
    """Set ``current_grade`` (the level of the latest rating still valid today, as
    ``querysets.with_current_grade``) on rows that lack it, in one query."""
    need = [i for i in insts if not hasattr(i, "current_grade")]
    if need:
        best: dict[int, int] = {}
        ratings = (
            GradeRating.objects.filter(
                institution_id__in=[i.pk for i in need], valid_until__gte=timezone.localdate()
            )
            .order_by("institution_id", "-rated_on", "-pk")
            .values_list("institution_id", "level")
        )
        for institution_id, level in ratings:
            best.setdefault(institution_id, level)
        for inst in need:
            inst.current_grade = best.get(inst.pk)  # type: ignore[attr-defined]
    return insts


def _in_chunks(qs: QuerySet[Institution], size: int = 2000) -> Iterator[Institution]:
    chunk: list[Institution] = []
    for inst in qs.iterator(chunk_size=size):
        chunk.append(inst)
        if len(chunk) == size:
            yield from attach_grades(chunk)
            chunk = []
    yield from attach_grades(chunk)


def sort_key(params: Any) -> str:
    value = (params.get("o") or "").strip()
    return value if value.lstrip("-") in SORTS else "name"


def directory_queryset(params: Any) -> tuple[QuerySet[Institution], PublicDirectoryFilter, list[Region]]:
    """The filtered, ordered directory for request parameters (a QueryDict)."""
    path = region_path(params.getlist("region"))
    qs = directory_base_queryset()
    if path:
        region = path[-1]
        qs = qs.filter(region__code__startswith=region.code[: LEVEL_PREFIX[region.level]])
    fs = PublicDirectoryFilter(params, queryset=qs)
    key = sort_key(params)
    fields = SORTS[key.lstrip("-")]
    order = [f"-{f}" for f in fields] if key.startswith("-") else list(fields)
    return fs.qs.order_by(*order), fs, path


# Stable open-data columns: key -> Chinese meaning (do not rename; append new ones at the end).
DIRECTORY_COLUMNS: list[tuple[str, str, str]] = [
    ("credit_code", "统一社会信用代码（18 位，GB 32100-2015）", "string"),
    ("name", "机构名称", "string"),
    (
        "kind",
        "机构类型代码：care_home 养老机构 / community 居家社区养老服务机构 / "
        "assessment 评估机构 / training 培训机构",
        "string",
    ),
    ("kind_name", "机构类型", "string"),
    (
        "nature",
        "机构性质代码：for_profit 营利性 / non_profit 非营利性民办 / public 公办 / public_private 公建民营",
        "string",
    ),
    ("nature_name", "机构性质", "string"),
    ("status", "状态代码：filed 已备案 / registered_not_filed 登记未备案 / suspended 暂停", "string"),
    ("status_name", "状态", "string"),
    ("region_code", "所在乡镇（街道）12 位统计用区划代码", "string"),
    ("county_name", "所在县（市、区）", "string"),
    ("township_name", "所在乡镇（街道）", "string"),
    ("address", "地址", "string"),
    ("beds", "床位数", "integer"),
    ("grade", "等级（1–5 级，有效期内的最近一次评定；空表示未评定或已过期）", "integer|null"),
    ("grade_name", "等级名称", "string"),
    ("complaint_phone", "投诉电话（手机号码已脱敏）", "string"),
    ("detail_url", "机构公开页面地址", "string"),
    ("updated_at", "机构信息最后更新时间（ISO 8601）", "string"),
]
COLUMN_KEYS = [c[0] for c in DIRECTORY_COLUMNS]


def directory_row(inst: Institution) -> dict[str, Any]:
    """The allow-list of one directory row: nothing else about an institution is exported."""
    region = inst.region
    county = region.parent if region.level == RegionLevel.TOWNSHIP else None
    grade = getattr(inst, "current_grade", None)
    return {
        "credit_code": inst.credit_code,
        "name": inst.name,
        "kind": inst.kind,
        "kind_name": str(inst.get_kind_display()),
        "nature": inst.nature,
        "nature_name": str(inst.get_nature_display()),
        "status": inst.status,
        "status_name": str(inst.get_status_display()),
        "region_code": region.code,
        "county_name": county.name if county else "",
        "township_name": region.name if county else "",
        "address": scrub_text(inst.address, keep=[inst.credit_code or ""]),
        "beds": inst.beds,
        "grade": grade,
        "grade_name": str(GradeLevel(grade).label) if grade else "",
        "complaint_phone": mask_phone(inst.complaint_phone),
        "detail_url": reverse("public:institution", args=[inst.credit_code]),
        "updated_at": timezone.localtime(inst.updated_at).isoformat(timespec="seconds")
        if inst.updated_at
        else "",
    }


def json_schema(request: HttpRequest | None = None) -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of ``export.json``."""

    def prop(kind: str, meaning: str) -> dict[str, Any]:
        if kind == "integer|null":
            return {"type": ["integer", "null"], "description": meaning}
        return {"type": kind, "description": meaning}

    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "/public/institutions/schema.json",
        "title": "养老服务机构名录（公开数据）",
        "description": "GET /public/institutions/export.json 的返回格式；参数与名录页面相同"
        "（q, region, kind, nature, status, grade, beds_min, beds_max, o, page）。"
        "不带 page 时返回全部符合条件的机构。",
        "type": "object",
        "required": ["dataset", "generated_at", "columns", "count", "results"],
        "properties": {
            "dataset": {"const": "institutions"},
            "generated_at": {"type": "string", "description": "生成时间（ISO 8601）"},
            "columns": {
                "type": "array",
                "items": {"type": "string"},
                "description": "列名（稳定，不会改名）",
            },
            "count": {"type": "integer", "description": "符合条件的机构总数"},
            "page": {"type": ["integer", "null"], "description": "页码（请求带 page 时）"},
            "results": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": COLUMN_KEYS,
                    "properties": {key: prop(kind, meaning) for key, meaning, kind in DIRECTORY_COLUMNS},
                },
            },
        },
    }


# --- the change feed (for publicity's /public/api/changes/) --------------------------------


def directory_changes(since: Any) -> Iterator[dict[str, Any]]:
    """Changes of the public directory after ``since`` (aware datetime), derived from
    ``Institution.updated_at``, in ``(changed_at, key)`` order: ``upsert`` with the public row
    for listed institutions, ``delete`` (withdrawn from the directory) for those that changed
    into a status the directory does not list. Limitation: hard deletions leave no trace, and
    changes that do not touch the institution row (a new grade rating, a grade expiring) are
    not in the feed."""
    qs = (
        with_current_grade(Institution.objects.filter(updated_at__gt=since, credit_code__isnull=False))
        .select_related("region__parent")
        .order_by("updated_at", "credit_code")
    )
    for inst in qs.iterator(chunk_size=1000):
        listed = inst.status in PUBLIC_LIST_STATUSES
        yield {
            "dataset": "institutions",
            "key": inst.credit_code,
            "action": "upsert" if listed else "delete",
            "changed_at": inst.updated_at.isoformat(),
            "payload": directory_row(inst) if listed else None,
        }


def _register_with_publicity() -> None:
    """The change feed and the dataset in publicity's registries (idempotent per key)."""
    register_public_feed("institutions", directory_changes)
    register_public_dataset(
        PublicDataset(
            key="institutions",
            title="养老服务机构名录",
            description="名录页面所列机构（已备案、登记未备案、暂停）的公开字段。"
            "按条件筛选的下载见 /public/institutions/export.csv|json，参数与名录页面相同。",
            columns=tuple(
                Column(
                    key,
                    "integer" if kind.startswith("integer") else kind,
                    meaning,
                    nullable=kind.endswith("null"),
                )
                for key, meaning, kind in DIRECTORY_COLUMNS
            ),
            rows=lambda: (
                directory_row(i) for i in directory_base_queryset().order_by("name", "pk").iterator()
            ),
            page_url_name="public:directory",
        )
    )


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
