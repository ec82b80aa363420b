"""Workbench panels: apps register what a user sees after login (due work, hazards …).

The ground floor knows no domain app; each app calls ``register_panel`` in its
``AppConfig.ready`` with a function returning ``None`` (nothing to show) or a dict with
``template`` and ``context`` and an ``order``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Panel = Callable[[Any], dict[str, Any] | None]
_panels: list[Panel] = []


def register_panel(fn: Panel) -> Panel:
    if fn not in _panels:
        _panels.append(fn)
    return fn


def panels_for(request: Any) -> list[dict[str, Any]]:
    out = [p for p in (fn(request) for fn in _panels) if p]
    return sorted(out, key=lambda p: p.get("order", 100))


# --- The to-do list (待办) -------------------------------------------------------------------------
#
# Apps register to-do sources in ``AppConfig.ready``: ``register_todo(group, candidates,
# describe, action=...)``. ``candidates(user)`` narrows the rows set-based (the user's
# departments, states that wait for a step, ordered soonest first, with ``select_related`` for
# what ``describe`` and the policy read); the write policy then decides each row
# (``policy.can(user, row, action)``), so only what this user may act on is listed. At most
# ``CHECK_LIMIT`` candidates of a source are checked; a group shows "100+" beyond that.

TODO_GROUPS: tuple[tuple[str, str], ...] = (
    ("send", "待发抄告"),
    ("receive", "待接收"),
    ("feedback", "待反馈"),
    ("recognise", "待互认"),
    ("accept", "待验收"),
    ("reply", "待答复"),
    ("verify", "待核实"),
    ("approve", "待审批"),
    ("overdue", "逾期"),
)
TODO_LABELS = dict(TODO_GROUPS)
CHECK_LIMIT = 100
GROUP_PAGE = 8


@dataclass(frozen=True)
class TodoSource:
    group: str
    key: str
    candidates: Callable[[Any], Any]
    describe: Callable[[Any], dict[str, Any]]
    action: str | None = None


_todo_sources: dict[str, TodoSource] = {}


def register_todo(
    group: str,
    key: str,
    candidates: Callable[[Any], Any],
    describe: Callable[[Any], dict[str, Any]],
    action: str | None = None,
) -> TodoSource:
    """``describe(row)`` returns ``title``, ``url`` (去办理), and optionally ``subtitle``,
    ``due`` (a date) and ``overdue`` (bool)."""
    if group not in TODO_LABELS:
        raise ValueError(f"unknown to-do group: {group}")
    source = TodoSource(group, key, candidates, describe, action)
    _todo_sources[key] = source
    return source


def acting_department_ids(user: Any, *, liaisons: bool = True) -> set[int] | None:
    """The departments in which the user holds an acting post (inspector, leader, admin) or,
    with ``liaisons``, a liaison post: the set-based first cut of a to-do source (None: a
    superuser, no cut). The write policy then decides each row."""
    from .policy import ACTING, LIAISON

    if user.is_superuser:
        return None
    roles = set(ACTING) | (set(LIAISON) if liaisons else set())
    return {a.department_id for a in user.active_assignments() if a.role in roles}


def in_departments(qs: Any, field: str, user: Any, *, liaisons: bool = True) -> Any:
    """``qs`` limited to rows whose ``field`` is one of the user's acting departments."""
    ids = acting_department_ids(user, liaisons=liaisons)
    return qs if ids is None else qs.filter(**{f"{field}__in": ids})


def _rows_of(source: TodoSource, user: Any) -> tuple[list[Any], bool]:
    from . import policy

    rows = list(source.candidates(user)[: CHECK_LIMIT + 1])
    more = len(rows) > CHECK_LIMIT
    rows = rows[:CHECK_LIMIT]
    if source.action:
        rows = [r for r in rows if policy.can(user, r, source.action)]
    return rows, more


def todos_for(user: Any, group: str | None = None) -> list[dict[str, Any]]:
    """The user's to-dos grouped by type (groups with nothing are left out), each group with
    its count and its first items; ``group`` limits to one group (its full list)."""
    if not getattr(user, "is_authenticated", False):
        return []
    found: dict[str, list[dict[str, Any]]] = {}
    capped: set[str] = set()
    for source in _todo_sources.values():
        if group and source.group != group:
            continue
        rows, more = _rows_of(source, user)
        if more:
            capped.add(source.group)
        for row in rows:
            item = {"source": source.key, "object": row, **source.describe(row)}
            found.setdefault(source.group, []).append(item)
    out = []
    for key, label in TODO_GROUPS:
        items = found.get(key)
        if not items:
            continue
        items.sort(key=lambda i: (i.get("due") is None, i.get("due") or "", i["title"]))
        count = len(items)
        out.append(
            {
                "key": key,
                "label": label,
                "count": count,
                "count_text": f"{count}+" if key in capped else str(count),
                "items": items if group else items[:GROUP_PAGE],
                "more": not group and count > GROUP_PAGE,
            }
        )
    return out


def todo_panel(request: Any) -> dict[str, Any] | None:
    """The to-do list at the top of the workbench (always shown to staff, with an empty state)."""
    user = request.user
    if not user.is_authenticated or getattr(user, "institution_id", None):
        return None
    groups = todos_for(user)
    return {
        "template": "core/_todos.html",
        "context": {"groups": groups, "total": sum(g["count"] for g in groups)},
        "order": 0,
    }


register_panel(todo_panel)


# --- Where a subject is handled (去办理) ---------------------------------------------------------

_subject_urls: dict[str, Callable[[Any], str]] = {}


def register_subject_url(model: Any, fn: Callable[[Any], str]) -> None:
    """The page where an object of ``model`` is handled (for 去办理 on deadlines, 已办 …)."""
    _subject_urls[model._meta.label_lower] = fn


def subject_url(obj: Any) -> str:
    """The handling page of ``obj``: its registered URL, else ``get_absolute_url``, else ""."""
    if obj is None:
        return ""
    fn = _subject_urls.get(obj._meta.label_lower)
    if fn is not None:
        return fn(obj)
    get = getattr(obj, "get_absolute_url", None)
    return get() if callable(get) else ""
