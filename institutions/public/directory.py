"""The public directory: its filter, queryset, rows and JSON schema."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supervision.core.filters import BoundedFilterSet
from supervision.core.models import LEVEL_PREFIX, Region, RegionLevel

from ..models import (
    GradeLevel,
    GradeRating,
    Institution,
    InstitutionKind,
    InstitutionNature,
)
from ..querysets import with_current_grade
from .common import PUBLIC_LIST_STATUSES, S, mask_phone, scrub_text

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
