"""The change feed behind ``/public/api/changes/``.

Two kinds of source are merged into one stream ordered by time:

* the ``PublicChange`` table, read in ``seq`` order (the commit log apps write through
  ``record_public_change``);
* derived feeds registered with ``register_public_feed(key, fn)``, each read as
  ``fn(since)`` and ordered by ``(changed_at, key)``.

The position in every source travels in one opaque cursor (URL-safe base64 JSON):
``{"since": iso | null, "seq": last seq, "feeds": {name: [changed_at, key]}}``. The merge is a
k-way merge that keeps each source's own order, so a page always consumes a prefix of every
source and the next cursor records exactly how far each got: a client that follows ``next``
gets every change after ``since`` once, in order, and nothing else — including a change whose
transaction commits after a later-numbered one was served (see ``_table``: a gap in ``seq`` holds
the table back for at most ``PUBLIC_FEED_SETTLE_SECONDS``, 30 s by default).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import heapq
import json
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db.models import Max
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from .models import PublicChange
from .registry import public_feeds

MAX_PAGE = 500
DEFAULT_PAGE = 100
DEFAULT_SETTLE = 30


class BadCursor(ValueError):
    pass


def parse_since(value: str) -> dict[str, Any]:
    """A cursor from ``?since=``: an ISO datetime (naive = local time) or an opaque cursor."""
    value = (value or "").strip()
    if not value:
        return {"since": None, "seq": 0, "feeds": {}}
    when = None
    try:
        when = parse_datetime(value.replace(" ", "+"))  # '+' in a query string arrives as ' '
    except ValueError:
        when = None
    if when is None and len(value) == 10:
        try:
            when = dt.datetime.combine(dt.date.fromisoformat(value), dt.time())
        except ValueError:
            when = None
    if when is not None:
        if timezone.is_naive(when):
            when = timezone.make_aware(when)
        return {"since": when.isoformat(), "seq": 0, "feeds": {}}
    try:
        pad = "=" * (-len(value) % 4)
        data = json.loads(base64.urlsafe_b64decode(value + pad))
        assert isinstance(data, dict) and isinstance(data.get("seq", 0), int)
        data.setdefault("since", None)
        data.setdefault("feeds", {})
        return data
    except (binascii.Error, ValueError, AssertionError, UnicodeDecodeError) as exc:
        raise BadCursor(
            "since 参数须为 ISO 8601 时间（如 2026-10-01T00:00:00+08:00）或上一页返回的 next 游标。"
        ) from exc


def encode_cursor(cursor: dict[str, Any]) -> str:
    raw = json.dumps(cursor, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _dt(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    parsed = parse_datetime(str(value))
    if parsed is None:
        raise ValueError(value)
    return parsed


def settle_window() -> dt.timedelta:
    """How long a gap in ``seq`` may be an uncommitted transaction (``PUBLIC_FEED_SETTLE_SECONDS``)."""
    return dt.timedelta(seconds=int(getattr(settings, "PUBLIC_FEED_SETTLE_SECONDS", DEFAULT_SETTLE)))


def _table(
    cursor: dict[str, Any], horizon: dt.datetime
) -> Iterator[tuple[dt.datetime, int, str, dict[str, Any]]]:
    last = int(cursor.get("seq", 0))
    if not last and cursor.get("since"):
        # A first page asked by time: the gap check below needs the number the reader has
        # already passed, i.e. the last change at or before ``since``.
        last = PublicChange.objects.filter(at__lte=_dt(cursor["since"])).aggregate(m=Max("seq"))["m"] or 0
    qs = PublicChange.objects.filter(seq__gt=last).order_by("seq")
    if cursor.get("since"):
        qs = qs.filter(at__gt=_dt(cursor["since"]))
    for c in qs.iterator(chunk_size=MAX_PAGE):
        # ``seq`` is taken at INSERT but becomes visible at COMMIT, so a lower number can still
        # appear after a higher one was served. A reader that resumed past it would miss it for
        # ever; so stop before a gap until the row after it is older than the settle window
        # (then the missing number was a rollback). This holds for the first row too.
        if c.seq != last + 1 and c.at > horizon:
            return
        last = c.seq
        yield (
            c.at,
            0,
            "",
            {
                "seq": c.seq,
                "dataset": c.dataset,
                "key": c.key,
                "action": c.action,
                "changed_at": c.at.isoformat(),
                "payload": c.payload,
            },
        )


def _derived(
    name: str, fn: Any, cursor: dict[str, Any]
) -> Iterator[tuple[dt.datetime, int, str, dict[str, Any]]]:
    pos = cursor["feeds"].get(name)
    since = (
        _dt(pos[0])
        if pos
        else (_dt(cursor["since"]) if cursor.get("since") else dt.datetime(1970, 1, 1, tzinfo=dt.UTC))
    )
    # A derived source answers ``changed_at > since``; to resume inside a run of equal
    # timestamps, ask from just before it and skip what the cursor already passed.
    ask = since - dt.timedelta(microseconds=1) if pos else since
    items = sorted(
        ({**c, "_at": _dt(c["changed_at"])} for c in fn(ask)), key=lambda c: (c["_at"], str(c["key"]))
    )
    for c in items:
        if pos and (c["_at"], str(c["key"])) <= (since, str(pos[1])):
            continue
        at = c.pop("_at")
        yield (at, 1, name, {"seq": None, **c})


def read_changes(since: str, limit: int = DEFAULT_PAGE) -> tuple[list[dict[str, Any]], str | None, str]:
    """(changes, next cursor or None, cursor to resume from later). Raises ``BadCursor``."""
    cursor = parse_since(since)
    limit = max(1, min(int(limit), MAX_PAGE))
    sources = [_table(cursor, timezone.now() - settle_window())] + [
        _derived(name, fn, cursor) for name, fn in public_feeds().items()
    ]
    merged = heapq.merge(*sources, key=lambda t: (t[0], t[1], t[2]))
    taken: list[dict[str, Any]] = []
    more = False
    state = {"since": cursor.get("since"), "seq": cursor.get("seq", 0), "feeds": dict(cursor["feeds"])}
    for _at, kind, name, item in merged:
        if len(taken) == limit:
            more = True
            break
        taken.append(item)
        if kind == 0:
            state["seq"] = item["seq"]
        else:
            state["feeds"][name] = [item["changed_at"], str(item["key"])]
    token = encode_cursor(state)
    return taken, (token if more else None), token
