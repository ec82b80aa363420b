"""Staff pages of the ground floor: the workbench and the jurisdiction (辖区) pages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from .filters import RegionSearchFilter
from .models import LEVEL_PREFIX, Assignment, Region
from .querysets import regions_visible_to
from .workbench import panels_for


@login_required
def workbench(request: HttpRequest) -> HttpResponse:
    """工作台: the user's posts and the panels apps contribute (due work, hazards …)."""
    user: Any = request.user
    return render(
        request,
        "core/workbench.html",
        {"my_assignments": user.active_assignments(), "panels": panels_for(request)},
    )


def _prefixes(user: Any) -> list[str] | None:
    """Division-code prefixes of the user's jurisdictions; None means everywhere."""
    if user.is_superuser:
        return None
    return [a.region.prefix for a in user.active_assignments()]


def _inside(code: str, prefixes: list[str] | None) -> bool:
    return prefixes is None or any(code.startswith(p) for p in prefixes)


def _ancestor_codes(region: Region) -> list[str]:
    return [region.code[: LEVEL_PREFIX[level]].ljust(12, "0") for level in range(1, region.level)]


def _name_paths(regions: Sequence[Region]) -> dict[int, list[Region]]:
    """Each region's chain from the province down, with one query for all ancestors
    (placeholder levels that are not in the table are simply absent from the chain)."""
    wanted = {code for r in regions for code in _ancestor_codes(r)}
    ancestors = {a.code: a for a in Region.objects.filter(code__in=wanted)}
    return {r.pk: [*(ancestors[c] for c in _ancestor_codes(r) if c in ancestors), r] for r in regions}


@login_required
def region_list(request: HttpRequest) -> HttpResponse:
    """辖区: the user's jurisdictions and the regions directly below them; ``?name=`` /
    ``?code_prefix=`` / ``?level=`` search every region inside the jurisdictions."""
    user: Any = request.user
    visible = regions_visible_to(user)
    if user.is_superuser:
        roots = list(Region.objects.filter(parent=None).annotate(child_count=Count("children")))
    else:
        ids = {a.region_id for a in user.active_assignments()}
        roots = list(Region.objects.filter(pk__in=ids).annotate(child_count=Count("children")))
    children: dict[int, list[Region]] = {}
    for child in Region.objects.filter(parent__in=roots).annotate(child_count=Count("children")):
        children.setdefault(child.parent_id, []).append(child)  # type: ignore[arg-type]
    paths = _name_paths(roots)
    jurisdictions = [{"region": r, "path": paths[r.pk], "children": children.get(r.pk, [])} for r in roots]

    filterset = RegionSearchFilter(request.GET or None, queryset=visible)
    page_obj = None
    results: list[dict[str, Any]] = []
    if filterset.is_bound and filterset.is_valid() and any(filterset.form.cleaned_data.values()):
        page_obj = Paginator(filterset.qs.order_by("code"), 50).get_page(request.GET.get("page"))
        found = list(page_obj.object_list)
        found_paths = _name_paths(found)
        results = [{"region": r, "path": found_paths[r.pk]} for r in found]
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "core/region_list.html",
        {
            "jurisdictions": jurisdictions,
            "filter": filterset,
            "page_obj": page_obj,
            "paginator": page_obj.paginator if page_obj else None,
            "is_paginated": bool(page_obj and page_obj.has_other_pages()),
            "results": results,
            "searched": page_obj is not None,
            "querystring": params.urlencode(),
        },
    )


@login_required
def region_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One region inside the user's jurisdiction: where it sits, what is below it and who
    works there. Anything outside every jurisdiction is a plain 404."""
    user: Any = request.user
    if code.isdigit() and len(code) in (2, 4, 6, 9):
        return redirect("region", code=code.ljust(12, "0"))
    region = get_object_or_404(regions_visible_to(user), code=code)
    prefixes = _prefixes(user)
    path = [{"region": r, "link": _inside(r.code, prefixes)} for r in _name_paths([region])[region.pk]]
    children = Paginator(region.children.annotate(child_count=Count("children")).order_by("code"), 100)
    page_obj = children.get_page(request.GET.get("page"))
    posts = (
        Assignment.objects.filter(region=region, active=True, user__is_active=True)
        .select_related("user", "department")
        .order_by("-department__is_lead", "department__code", "role", "user__username")
    )
    return render(
        request,
        "core/region_detail.html",
        {
            "region": region,
            "path": path,
            "children": page_obj.object_list,
            "page_obj": page_obj,
            "paginator": children,
            "is_paginated": page_obj.has_other_pages(),
            "querystring": "",
            "posts": posts,
        },
    )
