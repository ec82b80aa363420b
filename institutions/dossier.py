"""The institution's file (一户一档): a registry of tabs and badges on the institutions floor.

The registry cannot import the floors above it (credit, inspections, funds), so each app
contributes to the institution page in its ``AppConfig.ready``, the way workbench panels are
registered on the ground floor:

``register_tab(key, label, order, count, render)``
    ``count(user, institution) -> int`` is one cheap query (an aggregate through
    ``visible_to(user)``); ``render(request, institution) -> (template, context)`` builds the
    tab's partial (a template under ``templates/institutions/file/``). Tabs load lazily: the
    page renders the active tab (``?tab=key``) and the others are fetched with htmx from
    ``institutions:file_tab``. Everything a tab shows goes through ``visible_to(user)``.

``register_badge(key, label, css, annotate)``
    ``annotate(queryset) -> queryset`` adds a boolean annotation named ``badge_<key>``
    (an ``Exists`` on the deciding app's facts), so the list shows badges without N+1.

``register_document_source(fn)``
    ``fn(user, institution) -> Q`` over ``OfficialDocument`` (``content_type``/``object_id``
    of subjects the user may see): the 公文 tab collects the documents issued about the
    institution from every app (notices, referral letters, suspension orders, listing
    decisions; funds adds its own when it is built).

``register_other_documents(rows, describe)``
    for documents kept outside ``OfficialDocument`` (the credit decisions' PDFs are stored on
    the listing procedure): ``rows(user, institution) -> QuerySet`` and ``describe(row) ->
    {number, title, issuer, date, url}``.

Funds (helper F1) registers its tab later with ``register_tab("funds", "资金监管", 110, …)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

Count = Callable[[Any, Any], int]
Render = Callable[[Any, Any], tuple[str, dict[str, Any]]]
Annotate = Callable[[QuerySet], QuerySet]
DocumentSource = Callable[[Any, Any], Q | None]


@dataclass(frozen=True)
class Tab:
    key: str
    label: str
    order: int
    count: Count
    render: Render


@dataclass(frozen=True)
class Badge:
    key: str
    label: str
    css: str
    annotate: Annotate
    order: int = 100

    @property
    def attr(self) -> str:
        return f"badge_{self.key}"


_tabs: dict[str, Tab] = {}
_badges: dict[str, Badge] = {}
_document_sources: list[DocumentSource] = []


def register_tab(key: str, label: str, order: int, count: Count, render: Render) -> Tab:
    """Add (or replace, on a second ``ready``) the tab ``key`` of the institution page."""
    tab = Tab(key, label, order, count, render)
    _tabs[key] = tab
    return tab


def tabs() -> list[Tab]:
    return sorted(_tabs.values(), key=lambda t: (t.order, t.key))


def get_tab(key: str) -> Tab | None:
    return _tabs.get(key)


def tabs_with_counts(user: Any, institution: Any) -> list[dict[str, Any]]:
    """Every tab with the number of rows this user sees in it (one query a tab)."""
    return [{"tab": t, "key": t.key, "label": t.label, "count": t.count(user, institution)} for t in tabs()]


def register_badge(key: str, label: str, css: str, annotate: Annotate, order: int = 100) -> Badge:
    badge = Badge(key, label, css, annotate, order)
    _badges[key] = badge
    return badge


def badges() -> list[Badge]:
    return sorted(_badges.values(), key=lambda b: (b.order, b.key))


def annotate_badges(qs: QuerySet) -> QuerySet:
    """Apply every registered badge annotation (``badge_<key>`` booleans)."""
    for badge in badges():
        qs = badge.annotate(qs)
    return qs


def badges_of(obj: Any) -> list[Badge]:
    """The badges an annotated institution carries, in order."""
    return [b for b in badges() if getattr(obj, b.attr, False)]


def register_document_source(fn: DocumentSource) -> DocumentSource:
    if fn not in _document_sources:
        _document_sources.append(fn)
    return fn


OtherDocuments = tuple[Callable[[Any, Any], QuerySet], Callable[[Any], dict[str, Any]]]
_other_documents: list[OtherDocuments] = []


def register_other_documents(
    rows: Callable[[Any, Any], QuerySet], describe: Callable[[Any], dict[str, Any]]
) -> None:
    if (rows, describe) not in _other_documents:
        _other_documents.append((rows, describe))


def other_documents() -> list[OtherDocuments]:
    return list(_other_documents)


def documents_q(user: Any, institution: Any) -> Q | None:
    """The OR of every source's condition; None when no source names a document."""
    q: Q | None = None
    for fn in _document_sources:
        part = fn(user, institution)
        if part is not None:
            q = part if q is None else q | part
    return q
