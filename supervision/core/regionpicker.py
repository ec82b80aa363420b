"""The one region picker of the portal: cascading selects 省 → 市 → 县 → 乡镇, limited to what
the person may pick from.

- Staff pick inside their jurisdiction (the regions of their active assignments; a superuser
  anywhere). The selects above the jurisdiction show only the path down to it.
- Public pages pick inside the deployment's own regions (``settings.DEPLOYMENT_REGIONS``,
  12-digit codes; the demo's 聊城市 by default), so a citizen of 阳谷 is never offered 3,000
  regions of all China.

``RegionPicker`` is a form widget. Without JavaScript it is one ``<select>`` of the regions in
scope, down to the deepest level that keeps it under ``MAX_OPTIONS`` options (a county's
townships, a city's counties). ``static/js/regionpicker.js`` turns it into the cascade, asking
``children`` (JSON) for the children of a region, under the same limit. The submitted value is
always one 12-digit code, as before, so the FilterSets and forms keep reading ``region=<code>``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from .models import LEVEL_PREFIX, Region, RegionLevel

MAX_OPTIONS = 500
DEFAULT_DEPLOYMENT_REGIONS = ("371500000000",)  # 山东省聊城市 (the demo: 阳谷县, 东昌府区)
PICKABLE_LEVELS = (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.TOWNSHIP)
LEVEL_LABELS: dict[int, Any] = {
    RegionLevel.PROVINCE: _("省（自治区、直辖市）"),
    RegionLevel.CITY: _("市（州、盟）"),
    RegionLevel.COUNTY: _("县（市、区）"),
    RegionLevel.TOWNSHIP: _("乡镇（街道）"),
}

Roots = list[Region] | None  # None: every region (a superuser)


def deployment_codes() -> list[str]:
    codes = getattr(settings, "DEPLOYMENT_REGIONS", None) or DEFAULT_DEPLOYMENT_REGIONS
    return [str(c).strip().ljust(12, "0") for c in codes if str(c).strip()]


def _outermost(regions: Iterable[Region]) -> list[Region]:
    """Drop a region that lies inside another of the list (two posts, county and township)."""
    regions = sorted({r.pk: r for r in regions}.values(), key=lambda r: (r.level, r.code))
    kept: list[Region] = []
    for r in regions:
        if not any(k.contains(r) for k in kept):
            kept.append(r)
    return kept


def public_roots() -> list[Region]:
    return _outermost(Region.objects.filter(code__in=deployment_codes()))


def staff_roots(user: Any) -> Roots:
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    if user.is_superuser:
        return None
    return _outermost(a.region for a in user.active_assignments())


def _ancestor_codes(region: Region) -> list[str]:
    """Codes of the regions above ``region`` (by code prefix: no queries)."""
    return [region.code[:n].ljust(12, "0") for level, n in LEVEL_PREFIX.items() if level < region.level]


def in_scope(roots: Roots) -> Q:
    """Regions inside one of the roots."""
    if roots is None:
        return Q()
    q = Q(pk__in=[])
    for r in roots:
        q |= Q(code__startswith=r.prefix)
    return q


def on_path(roots: Roots) -> Q:
    """Regions inside one of the roots, or above one (the path down to it)."""
    if roots is None:
        return Q()
    codes = {c for r in roots for c in _ancestor_codes(r)}
    return in_scope(roots) | Q(code__in=codes)


def children(parent: Region | None, roots: Roots) -> QuerySet[Region]:
    """The children of ``parent`` (the top level when None) that lie inside or above a root."""
    qs = Region.objects.filter(parent=parent) if parent else Region.objects.filter(parent__isnull=True)
    below = Region.objects.filter(parent=OuterRef("pk"), level__lte=RegionLevel.TOWNSHIP)
    return (
        qs.filter(on_path(roots), level__lte=RegionLevel.TOWNSHIP)
        .annotate(has_children=Exists(below))
        .order_by("code")
    )


OPTIONS_CACHE_SECONDS = 300


def degraded_options(roots: Roots) -> list[Region]:
    """The flat ``<select>`` for a browser without JavaScript: the regions in scope, level by
    level from the roots down, stopping before the level that would pass ``MAX_OPTIONS``.

    Regions are reference data: the list is cached for a few minutes per scope, so that a list
    page does not pay for it on every request (the query-count tests of the lists)."""
    from django.core.cache import cache

    key = "regionpicker:options:" + ("*" if roots is None else ",".join(sorted(r.code for r in roots)))
    cached = cache.get(key)
    if cached is None:
        cached = [(r.pk, r.code, r.name, r.level) for r in _degraded_options(roots)]
        cache.set(key, cached, OPTIONS_CACHE_SECONDS)
    return [Region(pk=pk, code=code, name=name, level=level) for pk, code, name, level in cached]


def _degraded_options(roots: Roots) -> list[Region]:
    top = roots if roots is not None else list(Region.objects.filter(parent__isnull=True))
    if not top:
        return []
    base = Region.objects.filter(in_scope(roots)).filter(level__lte=RegionLevel.TOWNSHIP)
    levels = sorted({r.level for r in top})
    deepest = levels[-1]
    for level in range(deepest + 1, RegionLevel.TOWNSHIP + 1):
        if base.filter(level__lte=level).count() > MAX_OPTIONS - 1:
            break
        deepest = level
    return list(base.filter(level__lte=deepest).order_by("code"))


def path_to(code: str) -> list[Region]:
    """The chain of regions from the top down to the region with ``code`` (empty if unknown)."""
    region = (
        Region.objects.filter(code=(code or "").strip())
        .select_related("parent__parent__parent__parent")
        .first()
    )
    return list(reversed(region.ancestors())) if region else []


class RegionPicker(forms.Widget):
    """A region code picked through the cascade (see the module docstring).

    ``public=True`` limits it to the deployment's regions; otherwise ``bind(user)`` (done by
    ``filters.present`` for every FilterSet, and by forms that use it) limits it to the user's
    jurisdiction. An unbound staff picker offers nothing."""

    template_name = "widgets/region_picker.html"  # an app template: the form renderer sees it

    def __init__(self, attrs: dict[str, Any] | None = None, public: bool = False) -> None:
        super().__init__({"class": "form-select form-select-sm", **(attrs or {})})
        self.public = public
        self.user: Any = None

    def bind(self, user: Any) -> RegionPicker:
        self.user = user
        return self

    def roots(self) -> Roots:
        return public_roots() if self.public else staff_roots(self.user)

    def format_value(self, value: Any) -> str:
        if isinstance(value, Region):
            return value.code
        return "" if value in (None, "") else str(value)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        ctx = super().get_context(name, value, attrs)
        code = self.format_value(value)
        roots = self.roots()
        options = degraded_options(roots)
        by_code = {r.code: r for r in options}
        chosen = path_to(code) if code else []
        if code and code not in by_code and chosen:
            # deeper than the flat list goes (a township of a city-wide post): keep it chosen
            options.append(chosen[-1])
        top_level = min((r.level for r in options), default=RegionLevel.PROVINCE)
        ctx["widget"].update(
            {
                "options": [
                    {
                        "code": r.code,
                        "label": "\u3000" * max(0, r.level - top_level) + r.name,
                        "selected": r.code == code,
                    }
                    for r in options
                ],
                "children_url": reverse("region-picker-public" if self.public else "region-picker"),
                "path": json.dumps([r.code for r in chosen]),
                "empty_label": str(self.attrs.get("data-empty-label") or _("全部")),
            }
        )
        return ctx

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return data.get(name)


def _children_response(request: HttpRequest, roots: Roots) -> JsonResponse:
    code = (request.GET.get("parent") or "").strip()
    parent = None
    if code:
        parent = Region.objects.filter(code=code).filter(on_path(roots)).first()
        if parent is None:
            return JsonResponse({"detail": "区划不存在或不在可选范围内。"}, status=404)
    rows = [
        {
            "code": r.code,
            "name": r.name,
            "level": r.level,
            "level_label": str(LEVEL_LABELS.get(r.level, r.get_level_display())),
            "has_children": bool(r.has_children),  # type: ignore[attr-defined]
            "inside": roots is None or any(root.contains(r) for root in roots),
        }
        for r in children(parent, roots)[:MAX_OPTIONS]
    ]
    return JsonResponse({"parent": code or None, "children": rows})


@require_GET
def staff_children(request: HttpRequest) -> JsonResponse:
    """``GET /regions/picker/children/?parent=<code>``: the children within the jurisdiction."""
    if not request.user.is_authenticated:
        return JsonResponse({"detail": "请先登录。"}, status=401)
    return _children_response(request, staff_roots(request.user))


@require_GET
def public_children(request: HttpRequest) -> JsonResponse:
    """``GET /public/regions/children/?parent=<code>``: the children within the deployment."""
    return _children_response(request, public_roots())


class RegionPickerField(forms.CharField):
    """A form field that picks one region with the ``RegionPicker`` and cleans to a ``Region``.

    ``levels`` limits the levels that may be chosen (a complaint's place: county or township);
    ``check_scope`` refuses a region outside the picker's scope (off where the form decides it,
    e.g. a place that comes from the institution). Bind it to the user for a staff form:
    ``form.fields["region"].bind(user)``."""

    def __init__(
        self,
        *,
        public: bool = False,
        levels: Iterable[int] = (),
        check_scope: bool = True,
        empty_label: str = "",
        **kwargs: Any,
    ) -> None:
        attrs = {"data-empty-label": empty_label} if empty_label else {}
        kwargs.setdefault("widget", RegionPicker(attrs=attrs, public=public))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.levels = tuple(levels)
        self.check_scope = check_scope

    def bind(self, user: Any) -> RegionPickerField:
        self.widget.bind(user)
        return self

    def prepare_value(self, value: Any) -> Any:
        return value.code if isinstance(value, Region) else value

    def to_python(self, value: Any) -> Any:
        code = (super().to_python(value) or "").strip()
        if not code:
            return None
        region = Region.objects.filter(code=code.ljust(12, "0")).select_related("parent").first()
        if region is None:
            raise forms.ValidationError(_("请从列表中选择区划。"), code="invalid_choice")
        return region

    def validate(self, value: Any) -> None:
        if value is None:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return
        if self.levels and value.level not in self.levels:
            names = "或".join(str(LEVEL_LABELS.get(level, "")) for level in self.levels)
            raise forms.ValidationError(_("请选择到%(levels)s。") % {"levels": names}, code="level")
        if self.check_scope:
            roots = self.widget.roots()
            if roots is not None and not any(r.contains(value) for r in roots):
                raise forms.ValidationError(_("所选区划不在可选范围内。"), code="scope")

    def has_changed(self, initial: Any, data: Any) -> bool:
        return (self.prepare_value(initial) or "") != (data or "")
