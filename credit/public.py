"""Public pages (no login): the joint-punishment list, the watch list and industry bans in
force and published, each institution's list status by credit code, and open-data downloads
(CSV, JSON) with stable column names. Only the allow-listed fields of ``public_row`` leave the
server; natural persons are masked (surname only; ID number first 4 and last 4).

Pages and downloads go through publicity's ``public_page`` (throttle + page cache);
``register()`` (from ``CreditConfig.ready``) adds the open dataset, its change-feed source
(``listing_changes``) and the cache invalidation receiver. The home-page card
(``public_credit:list``) is publicity's built-in one."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from typing import Any

from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from institutions.models import Institution
from institutions.personal import mask_name
from supervision.core.exports import SafeDictWriter
from supervision.publicity.registry import (
    Column,
    PublicDataset,
    day_start,
    register_public_dataset,
    register_public_feed,
)
from supervision.publicity.web import invalidate_public_pages, public_page

from .models import PUBLIC_STATES, ListingProposal, ListType, ProposalEvent
from .services import today

# Stable open-data columns (do not rename: downstream consumers parse them).
COLUMNS = [
    "list_type",
    "list_type_name",
    "decision_number",
    "decided_on",
    "credit_code",
    "institution_name",
    "person_name",
    "person_id",
    "ground",
    "ground_name",
    "term_starts",
    "term_ends",
    "permanent",
    "published_on",
    "region",
]


def public_entries(list_type: str | None = None):
    """Entries currently in force and published; removed and expired ones never show."""
    on = today()
    qs = (
        ListingProposal.objects.filter(state__in=PUBLIC_STATES, term_starts__lte=on)
        .filter(models.Q(permanent=True) | models.Q(term_ends__gte=on))
        .select_related("institution", "region")
        .defer("decision_pdf", "facts", "objection_text", "review_opinion", "removal_proof")
        .order_by("-published_on", "-pk")
    )
    if list_type:
        qs = qs.filter(list_type=list_type)
    return qs


def public_row(p: ListingProposal) -> dict[str, Any]:
    person_name = p.person_name
    if p.list_type != ListType.INDUSTRY_BAN:
        person_name = p.institution.legal_representative
    return {
        "list_type": p.list_type,
        "list_type_name": p.get_list_type_display(),
        "decision_number": p.decision_number or "",
        "decided_on": p.decided_on.isoformat() if p.decided_on else "",
        "credit_code": p.credit_code,
        "institution_name": p.institution.name,
        "person_name": mask_name(person_name),
        "person_id": p.person_id_masked if p.list_type == ListType.INDUSTRY_BAN else "",
        "ground": p.ground,
        "ground_name": p.get_ground_display(),
        "term_starts": p.term_starts.isoformat() if p.term_starts else "",
        "term_ends": "" if p.permanent or not p.term_ends else p.term_ends.isoformat(),
        "permanent": p.permanent,
        "published_on": p.published_on.isoformat() if p.published_on else "",
        "region": p.region.full_name(),
    }


def _list_type(request: HttpRequest) -> str | None:
    value = request.GET.get("type", ListType.JOINT_PUNISHMENT)
    return value if value in ListType.values else None


@public_page
def blacklist(request: HttpRequest) -> HttpResponse:
    list_type = _list_type(request)
    rows = [public_row(p) for p in public_entries(list_type)]
    return render(
        request,
        "public/credit_list.html",
        {"rows": rows, "list_type": list_type or "", "types": ListType.choices},
    )


@public_page
def blacklist_csv(request: HttpRequest) -> HttpResponse:
    buf = io.StringIO()
    writer = SafeDictWriter(buf, fieldnames=COLUMNS)
    writer.writeheader()
    for p in public_entries(_list_type(request) if "type" in request.GET else None):
        writer.writerow(public_row(p))
    response = HttpResponse("\ufeff" + buf.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="credit-blacklist.csv"'
    return response


@public_page
def blacklist_json(request: HttpRequest) -> JsonResponse:
    rows = [public_row(p) for p in public_entries(_list_type(request) if "type" in request.GET else None)]
    return JsonResponse(
        {"generated_on": today().isoformat(), "columns": COLUMNS, "count": len(rows), "entries": rows},
        json_dumps_params={"ensure_ascii": False},
    )


@public_page
def status(request: HttpRequest, credit_code: str | None = None) -> HttpResponse:
    code = (credit_code or request.GET.get("code", "")).strip().upper()
    inst = Institution.objects.filter(credit_code=code).only("name", "credit_code").first() if code else None
    rows = [public_row(p) for p in public_entries(None).filter(credit_code=code)] if inst else []
    return render(request, "public/credit_status.html", {"code": code, "inst": inst, "rows": rows})


# --- open data and cache invalidation ------------------------------------------------------

DATASET_COLUMNS = (
    Column(
        "list_type",
        "string",
        "名单类型代码：joint_punishment 失信联合惩戒对象 / watch 重点关注 / industry_ban 行业禁入",
    ),
    Column("list_type_name", "string", "名单类型"),
    Column("decision_number", "string", "列入决定书文号"),
    Column("decided_on", "date", "列入决定日期"),
    Column("credit_code", "string", "机构统一社会信用代码"),
    Column("institution_name", "string", "机构名称"),
    Column("person_name", "string", "相关自然人（法定代表人或禁入人员），已脱敏"),
    Column("person_id", "string", "禁入人员身份证号（仅前 4 位和后 4 位）"),
    Column("ground", "string", "列入情形代码"),
    Column("ground_name", "string", "列入情形"),
    Column("term_starts", "date", "公示期起"),
    Column("term_ends", "date", "公示期止；永久为空"),
    Column("permanent", "boolean", "是否永久"),
    Column("published_on", "date", "公示日期"),
    Column("region", "string", "作出决定的区划"),
)


# --- change feed (merged into /public/api/changes/) -----------------------------------------


def _shown(p: ListingProposal, state: str, at: dt.datetime) -> bool:
    """Whether ``public_entries`` shows ``p`` at ``at`` when its state is ``state``."""
    on = timezone.localtime(at).date()
    return (
        state in PUBLIC_STATES
        and p.term_starts is not None
        and p.term_starts <= on
        and (p.permanent or (p.term_ends is not None and p.term_ends >= on))
    )


def _state_at(history: list[tuple[dt.datetime, str]], t: dt.datetime, *, inclusive: bool) -> str:
    """The procedure's state at ``t`` (after the steps taken at ``t`` when ``inclusive``)."""
    state = ""
    for at, to in history:
        if at < t or (inclusive and at == t):
            state = to
    return state


def listing_changes(since: dt.datetime) -> Iterator[dict[str, Any]]:
    """Entries appearing on or leaving the public list after ``since``, keyed by the decision
    number: ``upsert`` (with the public row) when published or when the term starts, ``delete``
    when removed (信用修复 or expiry by the sweep) or at the midnight after ``term_ends`` —
    the list stops showing an entry then, before the sweep records its removal. Steps that do
    not change what the list shows (an early-removal application, a refused one) are not
    changes of the public row and are left out. The state at any moment is replayed from the
    procedure's events (``ProposalEvent``); terms are the decided ones."""
    now = timezone.now()
    since_day, today_ = timezone.localtime(since).date(), timezone.localtime(now).date()
    touched = ProposalEvent.objects.filter(at__gt=since).filter(
        models.Q(from_state__in=PUBLIC_STATES) | models.Q(to_state__in=PUBLIC_STATES)
    )
    qs = (
        ListingProposal.objects.filter(published_on__isnull=False, decision_number__isnull=False)
        .filter(
            models.Q(pk__in=touched.values("proposal_id"))
            | models.Q(term_ends__gte=since_day, term_ends__lt=today_)
            | models.Q(term_starts__gt=since_day, term_starts__lte=today_)
        )
        .select_related("institution", "region")
        .defer("decision_pdf", "facts", "objection_text", "review_opinion", "removal_proof")
        .prefetch_related(models.Prefetch("events", ProposalEvent.objects.order_by("at", "pk")))
    )
    out: list[tuple[dt.datetime, str, dict[str, Any]]] = []
    for p in qs.iterator(chunk_size=200):
        history = [(e.at, e.to_state) for e in p.events.all()]
        moments = {at for at, _s in history}
        if p.term_starts is not None:
            moments.add(day_start(p.term_starts))
        if not p.permanent and p.term_ends is not None:
            moments.add(day_start(p.term_ends + dt.timedelta(days=1)))

        key = str(p.decision_number)
        for t in sorted(m for m in moments if since < m <= now):
            before = _shown(p, _state_at(history, t, inclusive=False), t - dt.timedelta(microseconds=1))
            after = _shown(p, _state_at(history, t, inclusive=True), t)
            if before == after:
                continue
            out.append(
                (
                    t,
                    key,
                    {
                        "dataset": "credit_listings",
                        "key": key,
                        "action": "upsert" if after else "delete",
                        "changed_at": t.isoformat(),
                        "payload": public_row(p) if after else None,
                    },
                )
            )
    for _t, _k, item in sorted(out, key=lambda e: (e[0], e[1])):
        yield item


def _on_listing_change(sender: Any, instance: ListingProposal, **kwargs: Any) -> None:
    """Infrastructure only: publish and removal do not call ``invalidate_public_pages``."""
    if instance.published_on is not None:
        invalidate_public_pages()
        transaction.on_commit(invalidate_public_pages)


def register() -> None:
    register_public_dataset(
        PublicDataset(
            key="credit_listings",
            title=_("信用名单"),
            description=_(
                "期限内已公示的失信联合惩戒对象名单、重点关注名单和行业禁入条目；移出或到期后不再出现。"
                "列与 /public/credit/list.csv 相同。"
            ),
            columns=DATASET_COLUMNS,
            rows=lambda: (public_row(p) for p in public_entries(None)),
            page_url_name="public_credit:list",
        )
    )
    register_public_feed("credit_listings", listing_changes)
    for signal in (post_save, post_delete):
        signal.connect(
            _on_listing_change, sender=ListingProposal, dispatch_uid=f"public-credit-{signal is post_save}"
        )
