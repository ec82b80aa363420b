"""Public pages (no login, no personal data): each draw with a re-run check, and each
published inspection result. Inspectors appear only as opaque codes; the team is omitted.

Every page goes through publicity's ``public_page`` (throttle + whole-page cache). Draws are
public from the moment they are committed (only the seed hash until revealed), inspection
results only once published, so nothing cached here depends on unpublished data; the re-run
check (``?verify=1``) recomputes from the revealed seed only. ``register()`` (called from
``InspectionsConfig.ready``) adds the home-page cards, the open datasets and the cache
invalidation receivers.

Publication period: a result is public up to and including its ``published_until`` day (set
from ``models.PUBLICATION_MONTHS`` when it is published); every public read — the lists, the
result page, the institution page section, the CSV/JSON datasets, the change feed — filters on
it, so a result leaves the public face at midnight with no job to run."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supervision.publicity.masking import scrub
from supervision.publicity.registry import (
    Column,
    PublicDataset,
    day_start,
    register_public_dataset,
    register_public_feed,
    register_public_section,
)
from supervision.publicity.web import invalidate_public_pages, public_page

from .draw import algorithm_of, run_draw, seed_hash
from .models import Draw, DrawExclusion, Inspection, InspectionStatus

PAGE_SIZE = 25


def public_draws():
    return Draw.objects.select_related("plan__region", "plan__department").order_by("-created_at", "-pk")


def today() -> dt.date:
    """The day the public pages are computed for (tests patch this, not the clock)."""
    return timezone.localdate()


def published_results(on: dt.date | None = None):
    """Published results inside their publication period on ``on`` (today)."""
    return (
        Inspection.objects.filter(status=InspectionStatus.PUBLISHED, published_until__gte=on or today())
        .select_related("institution", "department")
        .order_by("-published_at", "-pk")
    )


def until_midnight(response: HttpResponse) -> HttpResponse:
    """Results leave at midnight: a page cached just before must not outlive it."""
    now = timezone.localtime()
    midnight = day_start(now.date() + dt.timedelta(days=1))
    response.public_max_age = max(1, int((midnight - now).total_seconds()))  # type: ignore[attr-defined]
    return response


@public_page
def index(request: HttpRequest) -> HttpResponse:
    return until_midnight(
        render(
            request,
            "public/inspections_index.html",
            {"draws": public_draws()[:10], "results": published_results()[:10], "overview": True},
        )
    )


@public_page
def draw_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(public_draws(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "public/draw_list.html",
        {
            "draws": page,
            "page_obj": page,
            "paginator": page.paginator,
            "is_paginated": page.has_other_pages(),
        },
    )


@public_page
def result_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(published_results(), PAGE_SIZE).get_page(request.GET.get("page"))
    return until_midnight(
        render(
            request,
            "public/inspections_results.html",
            {
                "results": page,
                "page_obj": page,
                "paginator": page.paginator,
                "is_paginated": page.has_other_pages(),
            },
        )
    )


UNLISTED_NAME = str(_("（未登记机构，名称不公开）"))


def public_name(row: dict[str, Any]) -> str:
    """The name of an institution in the published inputs. Unregistered institutions are never
    named on the public face (they are known only through published results and penalties);
    inputs frozen before the ``listed`` flag existed fall back on the code form (``ID…`` =
    no credit code). The name is not an input of the algorithm, so verification is unaffected."""
    listed = row.get("listed", not str(row.get("code", "")).startswith("ID"))
    return str(row.get("name", "")) if listed else UNLISTED_NAME


def public_inputs(inputs: dict[str, Any]) -> dict[str, Any]:
    rows = [{**r, "name": public_name(r)} for r in inputs.get("institutions", [])]
    out = {**inputs, "institutions": rows}
    if "excluded" in inputs:
        out["excluded"] = [{**r, "name": public_name(r)} for r in inputs["excluded"]]
    return out


def _reason(value: str) -> str:
    return str(DrawExclusion(value).label) if value in DrawExclusion.values else value


def public_excluded(inputs: dict[str, Any]) -> list[dict[str, Any]]:
    """The institutions a draw left out because the plan had already drawn them, for display."""
    return [
        {"code": r["code"], "name": public_name(r), "reason": _reason(r.get("reason", ""))}
        for r in inputs.get("excluded", [])
    ]


def verify(draw: Draw) -> dict[str, Any]:
    """Recompute the draw from the revealed seed and the published inputs."""
    if not draw.public_seed:
        return {"available": False}
    recomputed = run_draw(draw.public_seed, draw.inputs)
    return {
        "available": True,
        "hash_ok": seed_hash(draw.public_seed) == draw.seed_hash,
        "result_ok": draw.result is not None and recomputed == draw.result,
        "recomputed": recomputed,
    }


@public_page
def draw_detail(request: HttpRequest, pk: int) -> HttpResponse:
    draw = get_object_or_404(
        Draw.objects.select_related("plan__region", "plan__department", "previous"), pk=pk
    )
    names = {r["code"]: public_name(r) for r in draw.inputs.get("institutions", [])}
    rows = [
        {"code": r["code"], "name": names.get(r["code"], ""), "team": r["team"]}
        for r in (draw.result or {}).get("drawn", [])
    ]
    check = verify(draw) if request.GET.get("verify") else None
    return render(
        request,
        "public/draw_detail.html",
        {
            "draw": draw,
            "rows": rows,
            "check": check,
            "algorithm": algorithm_of(draw.inputs),
            "redraw": getattr(draw, "redraw", None),
            "excluded": public_excluded(draw.inputs),
        },
    )


@public_page
def draw_inputs(request: HttpRequest, pk: int) -> JsonResponse:
    """Everything needed to re-run the draw independently (the seed once revealed)."""
    draw = get_object_or_404(Draw, pk=pk)
    return JsonResponse(
        {
            "draw": draw.pk,
            "algorithm": algorithm_of(draw.inputs),
            "status": draw.status,
            "seed_hash": draw.seed_hash,
            "seed": draw.public_seed or None,
            "inputs": public_inputs(draw.inputs),
            "result": draw.result,
        },
        json_dumps_params={"ensure_ascii": False, "indent": 1},
    )


@public_page
def result_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inspection = published_results().filter(pk=pk).first()
    if inspection is None:  # never published, or its publication period has ended
        raise Http404
    findings = (
        inspection.findings.with_progress().select_related("domain", "item_result__item").order_by("pk")
    )
    return until_midnight(
        render(request, "public/inspections_result.html", {"inspection": inspection, "findings": findings})
    )


# --- open data -----------------------------------------------------------------------------

RESULT_COLUMNS = (
    Column("id", "integer", "检查结果编号（稳定，可作主键）"),
    Column("credit_code", "string", "被检查机构统一社会信用代码", nullable=True),
    Column("institution_name", "string", "被检查机构名称"),
    Column("department", "string", "检查部门"),
    Column("kind", "string", "检查类型代码"),
    Column("kind_name", "string", "检查类型"),
    Column("inspected_on", "date", "检查日期", nullable=True),
    Column("conclusion", "string", "检查结论代码"),
    Column("conclusion_name", "string", "检查结论"),
    Column("summary", "string", "公开摘要"),
    Column("published_at", "date-time", "公开时间（ISO 8601）", nullable=True),
    Column("published_until", "date", "公开截止日期（含当日，之后不再公开）"),
)

DRAW_COLUMNS = (
    Column("id", "integer", "抽取编号（稳定，可作主键）"),
    Column("plan", "string", "抽查计划"),
    Column("region", "string", "区划"),
    Column("department", "string", "部门"),
    Column("status", "string", "状态代码：committed/executed/revealed/superseded"),
    Column("seed_hash", "string", "种子的 SHA-256 哈希（抽取前公布）"),
    Column("seed", "string", "随机种子（公开后）", nullable=True),
    Column("drawn", "integer", "抽中的检查对象数", nullable=True),
    Column("created_at", "date-time", "承诺时间（ISO 8601）"),
    Column("revealed_at", "date-time", "种子公开时间（ISO 8601）", nullable=True),
)


def result_row(i: Inspection) -> dict[str, Any]:
    return {
        "id": i.pk,
        "credit_code": i.institution.credit_code,
        "institution_name": i.institution.name,
        "department": i.department.name,
        "kind": i.kind,
        "kind_name": str(i.get_kind_display()),
        "inspected_on": i.inspected_on.isoformat() if i.inspected_on else None,
        "conclusion": i.conclusion,
        "conclusion_name": str(i.get_conclusion_display()),
        "summary": scrub(i.public_summary),
        "published_at": i.published_at.isoformat() if i.published_at else None,
        "published_until": i.published_until.isoformat() if i.published_until else None,
    }


def draw_row(d: Draw) -> dict[str, Any]:
    return {
        "id": d.pk,
        "plan": d.plan.title,
        "region": d.plan.region.name,
        "department": d.plan.department.name,
        "status": d.status,
        "seed_hash": d.seed_hash,
        "seed": d.public_seed or None,
        "drawn": len((d.result or {}).get("drawn", [])) if d.result else None,
        "created_at": d.created_at.isoformat(),
        "revealed_at": d.revealed_at.isoformat() if d.revealed_at else None,
    }


# --- change feed (merged into /public/api/changes/) -----------------------------------------


# Derived from the rows, like the other sources: an item's latest public change (upsert with its
# public row, or delete when it is no longer public) and, once it has passed, the end of its
# publication period (delete at the midnight after ``published_until``). Future expiries are not
# reported before they happen. Shared with the rectification feeds (penalties, results).


def expiry(last_day: dt.date | None) -> dt.datetime | None:
    """When an item public up to ``last_day`` (inclusive) leaves: the next midnight."""
    return day_start(last_day + dt.timedelta(days=1)) if last_day else None


def expired_between(since: dt.datetime, now: dt.datetime) -> dict[str, dt.date]:
    """Lookups for ``since < day_start(published_until + 1) <= now``."""
    return {
        "published_until__gte": timezone.localtime(since).date(),
        "published_until__lt": timezone.localtime(now).date(),
    }


def feed_events(
    dataset: str,
    key: str,
    changed: dt.datetime | None,
    visible: bool,
    end: dt.datetime | None,
    row: dict[str, Any],
    since: dt.datetime,
    now: dt.datetime,
) -> list[tuple[dt.datetime, str, dict[str, Any]]]:
    """The events of one item in ``(since, now]``: its change at ``changed`` (an upsert if it
    was public then, else a delete) and the end of its period at ``end`` if it came later."""
    out = []
    if changed is not None and since < changed <= now:
        shown = visible and (end is None or changed < end)
        out.append(
            (changed, key, {"action": "upsert" if shown else "delete", "payload": row if shown else None})
        )
    if visible and end is not None and since < end <= now and (changed is None or changed < end):
        out.append((end, key, {"action": "delete", "payload": None}))
    return [(at, k, {"dataset": dataset, "key": k, "changed_at": at.isoformat(), **e}) for at, k, e in out]


def in_order(events: list[tuple[dt.datetime, str, dict[str, Any]]]) -> Iterator[dict[str, Any]]:
    for _at, _key, event in sorted(events, key=lambda e: (e[0], e[1])):
        yield event


def result_changes(since: dt.datetime) -> Iterator[dict[str, Any]]:
    """Inspection results published after ``since`` (upsert; there is no withdrawal), and those
    whose publication period ended after ``since`` (delete at that midnight, never before)."""
    now = timezone.now()
    qs = (
        Inspection.objects.filter(status=InspectionStatus.PUBLISHED, published_at__isnull=False)
        .filter(Q(published_at__gt=since) | Q(**expired_between(since, now)))
        .select_related("institution", "department")
    )
    events = []
    for i in qs.iterator(chunk_size=500):
        events += feed_events(
            "inspection_results",
            str(i.pk),
            i.published_at,
            i.published_until is not None,
            expiry(i.published_until),
            result_row(i),
            since,
            now,
        )
    return in_order(events)


def draw_changes(since: Any) -> Iterator[dict[str, Any]]:
    """Each step of a draw after ``since`` (commitment, execution, reveal of the seed), with the
    draw's current public row; a mirror keeps the latest."""
    qs = public_draws().filter(Q(created_at__gt=since) | Q(executed_at__gt=since) | Q(revealed_at__gt=since))
    events = []
    for d in qs.iterator(chunk_size=500):
        row = draw_row(d)
        for at in {d.created_at, d.executed_at, d.revealed_at}:
            if at is not None and at > since:
                events.append((at, d.pk, row))
    for at, pk, row in sorted(events, key=lambda e: (e[0], str(e[1]))):
        yield {
            "dataset": "draws",
            "key": str(pk),
            "action": "upsert",
            "changed_at": at.isoformat(),
            "payload": row,
        }


# --- cache invalidation (infrastructure only) ----------------------------------------------
# The services do not call ``invalidate_public_pages``; these receivers tell publicity's page
# cache when something public changes. No business reaction hangs on them.


def _bump() -> None:
    invalidate_public_pages()
    transaction.on_commit(invalidate_public_pages)


def _on_draw(sender: Any, instance: Draw, **kwargs: Any) -> None:
    _bump()  # every draw is public from its commitment on


def _on_inspection(sender: Any, instance: Inspection, **kwargs: Any) -> None:
    if instance.status == InspectionStatus.PUBLISHED or instance.published_at is not None:
        _bump()


def register() -> None:
    """Home-page cards, open datasets and invalidation receivers (idempotent)."""
    register_public_section(
        "draws", _("随机抽取公示"), "public_inspections:draws", 20, _("双随机抽查的抽取过程与复核")
    )
    register_public_section(
        "inspections",
        _("检查结果公开"),
        "public_inspections:results",
        21,
        _("已公开的监督检查结果"),
    )
    register_public_dataset(
        PublicDataset(
            key="inspection_results",
            title=_("监督检查结果"),
            description=_("公开期内的监督检查结果（不含检查人员和任何个人信息）；公开期满的自动撤下。"),
            columns=RESULT_COLUMNS,
            rows=lambda: (result_row(i) for i in published_results().iterator()),  # today's only
            page_url_name="public_inspections:results",
        )
    )
    register_public_dataset(
        PublicDataset(
            key="draws",
            title=_("随机抽取"),
            description=_(
                "双随机抽查的每次抽取：种子哈希、公开后的种子和抽中数；完整输入见各抽取的 inputs.json。"
            ),
            columns=DRAW_COLUMNS,
            rows=lambda: (draw_row(d) for d in public_draws().iterator()),
            page_url_name="public_inspections:draws",
        )
    )
    register_public_feed("inspection_results", result_changes)
    register_public_feed("draws", draw_changes)
    for signal in (post_save, post_delete):
        signal.connect(_on_draw, sender=Draw, dispatch_uid=f"public-insp-draw-{signal is post_save}")
        signal.connect(
            _on_inspection, sender=Inspection, dispatch_uid=f"public-insp-result-{signal is post_save}"
        )
