"""Public pages (no login): rectification results (003 11.) and administrative penalties.
Rows are reduced to allow-listed fields in Python before they reach a template, so no personal
data can leak through a template change; natural persons are masked (张**).

Publication period: a result or penalty is public up to and including its ``published_until``
day (set from ``models.PUBLICATION_MONTHS`` when it is published); every public read —
lists, the institution page, the CSV/JSON datasets, the change feed — filters on it, so an
item leaves the public face at midnight with no job to run.

Both lists go through publicity's ``public_page`` (throttle + page cache); ``register()``
(from ``RectificationConfig.ready``) adds the home-page cards, the open datasets, the change
feeds and the cache invalidation receivers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inspections.public import expired_between, expiry, feed_events, in_order
from institutions.personal import mask_name
from supervision.core.department_titles import official_names
from supervision.publicity.registry import (
    Column,
    PublicDataset,
    day_start,
    register_public_dataset,
    register_public_feed,
    register_public_section,
)
from supervision.publicity.web import invalidate_public_pages, public_page

from .models import AppealStatus, NoticeStatus, Penalty, RectificationNotice


def result_rows(page: Any) -> list[dict[str, Any]]:
    page = list(page)
    names = official_names((n.issuing_department, n.issuing_region) for n in page)
    return [
        {
            "id": n.pk,
            "institution_name": n.institution.name,
            "credit_code": n.institution.credit_code,
            "number": n.number,
            "issuer": names.get((n.issuing_department_id, n.issuing_region_id), n.issuer_name),
            "issued_on": n.issued_on,
            "items": n.item_count,
            "closed_on": n.closed_at.date() if n.closed_at else None,
            "published_on": n.published_on,
            "published_until": n.published_until,
        }
        for n in page
    ]


def penalty_rows(page: Any) -> list[dict[str, Any]]:
    page = list(page)
    names = official_names((p.department, p.region) for p in page)
    return [
        {
            "id": p.pk,
            "decision_number": p.decision_number,
            "institution_name": p.institution.name,
            "credit_code": p.institution.credit_code,
            "legal_representative": mask_name(p.legal_representative),
            "kind": p.get_kind_display(),
            "fine_amount": p.fine_amount,
            "legal_basis": p.legal_basis,
            "decided_on": p.decided_on,
            "authority": names.get((p.department_id, p.region_id), f"{p.region.name}{p.department.name}"),
            "appeal": p.get_appeal_status_display(),
            "published_on": p.published_on,
            "published_until": p.published_until,
        }
        for p in page
    ]


def today() -> dt.date:
    """The day the public pages are computed for (tests patch this, not the clock)."""
    return timezone.localdate()


def published_notices(on: dt.date | None = None):
    """Closed notices whose result is published and inside its period on ``on`` (today)."""
    return (
        RectificationNotice.objects.filter(
            status=NoticeStatus.CLOSED, published_on__isnull=False, published_until__gte=on or today()
        )
        .select_related("institution", "issuing_department", "issuing_region")
        .annotate(item_count=Count("items"))
        .order_by("-published_on", "-pk")
    )


def published_penalties(on: dt.date | None = None):
    """Published, not revoked penalties inside their publication period on ``on`` (today)."""
    return (
        Penalty.objects.filter(published_on__isnull=False, published_until__gte=on or today())
        .exclude(appeal_status=AppealStatus.REVOKED)
        .select_related("institution", "department", "region")
        .order_by("-decided_on", "-pk")
    )


def _until_midnight(response: HttpResponse) -> HttpResponse:
    """Items leave at midnight: a page cached just before must not outlive it."""
    now = timezone.localtime()
    midnight = day_start(now.date() + dt.timedelta(days=1))
    response.public_max_age = max(1, int((midnight - now).total_seconds()))  # type: ignore[attr-defined]
    return response


@public_page
def results(request: HttpRequest) -> HttpResponse:
    qs = published_notices()
    q = (request.GET.get("q") or "").strip()
    if q:
        qs = qs.filter(institution__name__icontains=q)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return _until_midnight(
        render(
            request,
            "public/rectification_results.html",
            {
                "page_obj": page,
                "paginator": page.paginator,
                "is_paginated": page.has_other_pages(),
                "rows": result_rows(page),
                "q": q,
            },
        )
    )


@public_page
def penalties(request: HttpRequest) -> HttpResponse:
    qs = published_penalties()
    q = (request.GET.get("q") or "").strip()
    if q:
        qs = qs.filter(institution__name__icontains=q)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return _until_midnight(
        render(
            request,
            "public/penalty_list.html",
            {
                "page_obj": page,
                "paginator": page.paginator,
                "is_paginated": page.has_other_pages(),
                "rows": penalty_rows(page),
                "q": q,
            },
        )
    )


# --- open data -----------------------------------------------------------------------------

RESULT_COLUMNS = (
    Column("id", "integer", "记录标识（稳定；变更订阅的 key）"),
    Column("number", "string", "整改通知书文号"),
    Column("credit_code", "string", "机构统一社会信用代码", nullable=True),
    Column("institution_name", "string", "机构名称"),
    Column("issuer", "string", "下达机关"),
    Column("issued_on", "date", "下达日期", nullable=True),
    Column("items", "integer", "问题数"),
    Column("closed_on", "date", "整改验收完成（销号）日期", nullable=True),
    Column("published_on", "date", "公开日期"),
    Column("published_until", "date", "公开截止日期（含当日，之后不再公开）"),
)

PENALTY_COLUMNS = (
    Column("id", "integer", "记录标识（稳定；变更订阅的 key）"),
    Column("decision_number", "string", "行政处罚决定书文号"),
    Column("credit_code", "string", "当事机构统一社会信用代码", nullable=True),
    Column("institution_name", "string", "当事机构名称"),
    Column("legal_representative", "string", "法定代表人（负责人），已脱敏（张**）"),
    Column("kind", "string", "处罚种类"),
    Column("fine_amount", "number", "罚款金额（元）", nullable=True),
    Column("legal_basis", "string", "处罚依据"),
    Column("decided_on", "date", "决定日期"),
    Column("authority", "string", "处罚机关"),
    Column("appeal", "string", "复议诉讼状态"),
    Column("published_on", "date", "公示日期"),
    Column("published_until", "date", "公示截止日期（含当日，之后不再公示）"),
)


def _iso(row: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in row.items():
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        elif key == "fine_amount" and value is not None:
            value = float(value)
        out[key] = str(value) if key in ("kind", "appeal") else value
    return out


# --- change feed (merged into /public/api/changes/) -----------------------------------------
# Derived from the rows, like the other sources: each item's latest public change (upsert with
# its public row, or delete when it is no longer public) and, once it has passed, the end of its
# publication period (delete at the midnight after ``published_until``). Future expiries are not
# reported before they happen.


def result_changes(since: dt.datetime) -> Iterator[dict[str, Any]]:
    """Rectification results published (notice closed) after ``since``, and those whose
    publication period ended after ``since``."""
    now = timezone.now()
    qs = (
        RectificationNotice.objects.filter(status=NoticeStatus.CLOSED, published_on__isnull=False)
        .filter(Q(closed_at__gt=since) | Q(**expired_between(since, now)))
        .select_related("institution", "issuing_department", "issuing_region")
        .annotate(item_count=Count("items"))
    )
    events = []
    for n in qs.iterator(chunk_size=500):
        row = _iso(result_rows([n])[0])
        events += feed_events(
            "rectification_results",
            str(n.pk),
            n.closed_at,
            n.published_until is not None,
            expiry(n.published_until),
            row,
            since,
            now,
        )
    return in_order(events)


def penalty_changes(since: dt.datetime) -> Iterator[dict[str, Any]]:
    """Penalties whose public row changed after ``since`` (recorded and published, appeal status
    changed, revoked → delete), and those whose publication period ended after ``since``."""
    now = timezone.now()
    qs = (
        Penalty.objects.filter(published_on__isnull=False)
        .filter(Q(public_changed_at__gt=since) | Q(**expired_between(since, now)))
        .select_related("institution", "department", "region")
    )
    events = []
    for p in qs.iterator(chunk_size=500):
        row = _iso(penalty_rows([p])[0])
        visible = p.appeal_status != AppealStatus.REVOKED and p.published_until is not None
        events += feed_events(
            "penalties", str(p.pk), p.public_changed_at, visible, expiry(p.published_until), row, since, now
        )
    return in_order(events)


# --- cache invalidation (infrastructure only) ----------------------------------------------
# notice_close / penalty_record / revocation do not call ``invalidate_public_pages``; these
# receivers tell publicity's page cache when a published row changes. No business logic here.


def _on_published_change(sender: Any, instance: Any, **kwargs: Any) -> None:
    if getattr(instance, "published_on", None) is not None:
        invalidate_public_pages()
        transaction.on_commit(invalidate_public_pages)


def register() -> None:
    """Home-page cards, open datasets and invalidation receivers (idempotent)."""
    register_public_section(
        "rectification", _("整改结果"), "public_rectification:results", 30, _("隐患整改及验收结果公开")
    )
    register_public_section(
        "penalties", _("行政处罚"), "public_rectification:penalties", 40, _("行政处罚决定公示")
    )
    register_public_dataset(
        PublicDataset(
            key="rectification_results",
            title=_("整改结果"),
            description=_("已验收销号并公开的整改通知书。"),
            columns=RESULT_COLUMNS,
            rows=lambda: (_iso(r) for r in result_rows(published_notices())),
            page_url_name="public_rectification:results",
        )
    )
    register_public_dataset(
        PublicDataset(
            key="penalties",
            title=_("行政处罚"),
            description=_("已公示且未被撤销的行政处罚决定；自然人姓名已脱敏。"),
            columns=PENALTY_COLUMNS,
            rows=lambda: (_iso(r) for r in penalty_rows(published_penalties())),
            page_url_name="public_rectification:penalties",
        )
    )
    register_public_feed("rectification_results", result_changes)
    register_public_feed("penalties", penalty_changes)
    for model in (RectificationNotice, Penalty):
        for signal in (post_save, post_delete):
            signal.connect(
                _on_published_change,
                sender=model,
                dispatch_uid=f"public-rect-{model.__name__}-{signal is post_save}",
            )
