"""Plug-in points of the public face. Higher-floor apps register here (in AppConfig.ready);
this app never imports them.

* ``register_public_section(key, title, url_name, order)``: a card on the public home page.
  A section whose URL name does not resolve (the app is not installed or not built yet) is
  skipped, so registering ahead of time is harmless.
* ``register_public_feed(key, fn)``: a derived change source, ``fn(since: datetime) ->
  iterable of {"dataset", "key", "action", "changed_at", "payload"}`` (ordered by changed_at),
  merged into ``/public/api/changes/`` beside the ``PublicChange`` table.
  A source whose items leave the public pages when a date passes reports that as a
  ``delete`` at ``day_start(first day no longer shown)``, once that moment is past, so a
  mirror learns of an expiry without any job writing it.
* ``register_public_dataset(...)``: a public list downloadable as CSV and JSON under
  ``/public/api/<key>.csv|json`` with its schema at ``/public/api/<key>.schema.json``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils import timezone


@dataclass(frozen=True)
class PublicSection:
    key: str
    title: str
    url_name: str
    order: int = 100
    description: str = ""


FeedFn = Callable[[Any], Iterable[dict[str, Any]]]


@dataclass(frozen=True)
class Column:
    """One column of a public dataset: a stable name, a JSON Schema type and its meaning."""

    name: str
    type: str  # JSON Schema type: string, integer, number, boolean; "date"/"date-time" as string formats
    meaning: str
    nullable: bool = False


@dataclass(frozen=True)
class PublicDataset:
    key: str
    title: Any
    description: Any
    columns: tuple[Column, ...]
    rows: Callable[[], Iterable[dict[str, Any]]]
    page_url_name: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


_sections: dict[str, PublicSection] = {}
_feeds: dict[str, FeedFn] = {}
_datasets: dict[str, PublicDataset] = {}


def register_public_section(
    key: str, title: Any, url_name: str, order: int = 100, description: Any = ""
) -> PublicSection:
    """Add (or replace, idempotently) a card on the public home page."""
    section = PublicSection(key, title, url_name, order, description)
    _sections[key] = section
    return section


def public_sections() -> list[dict[str, Any]]:
    """The home page's cards, in order, with resolved URLs; unresolvable ones are left out."""
    out = []
    for s in sorted(_sections.values(), key=lambda s: (s.order, s.key)):
        try:
            url = reverse(s.url_name)
        except NoReverseMatch:
            continue
        out.append({"key": s.key, "title": s.title, "url": url, "description": s.description})
    return out


def day_start(day: dt.date) -> dt.datetime:
    """The aware local midnight that starts ``day``: when a date-bounded item leaves (or
    enters) the public pages, as a change-feed timestamp."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def register_public_feed(key: str, fn: FeedFn) -> FeedFn:
    """Add a derived change source (see the module docstring). Idempotent per key."""
    _feeds[key] = fn
    return fn


def public_feeds() -> dict[str, FeedFn]:
    return dict(sorted(_feeds.items()))


def register_public_dataset(dataset: PublicDataset) -> PublicDataset:
    _datasets[dataset.key] = dataset
    return dataset


def public_datasets() -> dict[str, PublicDataset]:
    return dict(sorted(_datasets.items()))


def get_dataset(key: str) -> PublicDataset | None:
    return _datasets.get(key)
