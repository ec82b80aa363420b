"""Many figures in a few statements (issue 16: the dashboard, the evaluation).

``compute_many`` gives the same values as ``registry.compute`` figure by figure, but it asks each
figure's own rows (``Indicator.rows``, or the measures of a ``Derived`` value) for their query
and does not run it: the row sets of one model are OR-combined by Django (``qs1 | qs2 …``,
which relabels their joins into one alias space) and each becomes one aggregate of a single
statement, ``COUNT(*) FILTER (WHERE <that row set's own WHERE>)`` (or ``SUM(field) FILTER …``).
A figure therefore still counts exactly the rows of its list: its WHERE is the list's WHERE.
A child region's row set that is provably its parent's with the region narrowed
(``combine.child_conjunct``: every other condition and join identical) is read from the
parent's aggregate grouped by the child code's first digits, so the dashboard's region table
costs no aggregate per cell. Row sets that cannot share a statement without changing a figure
(``combine.combinable``: DISTINCT, a join that repeats rows, an OR-combination …) are measured
on their own, as ``compute`` would.

Building the statements costs what ``compute`` costs (each list's FilterSet, its lookups of
regions, rules and domains), executing them a few milliseconds. So the compiled statements (a
*plan*) are kept per (viewer's scope, figures and regions, period, today) and only executed on
the next call. A plan holds no data: it is kept only if building it read nothing but reference
tables (regions, rules, domains, departments, remits, content types, posts), and any write to
one of those (and every migrate or flush) forgets every plan. Figures whose value is a function
of its own (not a count, a sum or a ``Derived``) are computed anew on every call.
"""

from __future__ import annotations

import re
import threading
from collections import Counter, OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet, Sum
from django.utils import timezone

from supervision.core.filters import regions_remembered
from supervision.core.models import Region

from .combine import Child, NotCombined, Statement, child_conjunct, combinable
from .lists import bases_remembered
from .registry import Derived, Indicator, IndicatorValue, Measure, Period, get

Request = tuple[str, Region]

# What building a plan may read: the reference tables a list's FilterSet looks up (a region by
# code, a rule by code, a domain by pk …) and the viewer's posts.
REFERENCE_TABLES = frozenset(
    {
        "core_region",
        "core_domain",
        "core_department",
        "core_assignment",
        "core_remit",
        "deadlines_rule",
        "django_content_type",
    }
)
_TABLES = re.compile(r'(?:FROM|JOIN)\s+"?([A-Za-z0-9_]+)"?', re.IGNORECASE)
MAX_PLANS = 256


@dataclass(frozen=True)
class _Slot:
    """One measure of one region: where its value comes from in a plan."""

    measure: Measure
    region: Region


@dataclass
class _Figure:
    code: str
    region: Region
    indicator: Indicator
    slots: list[int]
    url: str | None
    derived: Derived | None = None
    fallback: bool = False


@dataclass
class Plan:
    figures: list[_Figure] = field(default_factory=list)
    slots: list[_Slot] = field(default_factory=list)
    groups: list[Statement] = field(default_factory=list)
    # slot -> value fixed when the plan was built (an empty row set: 0, or None for a sum)
    constants: dict[int, Any] = field(default_factory=dict)
    # slots measured on their own, on every call
    direct: list[int] = field(default_factory=list)
    cacheable: bool = True


_plans: OrderedDict[tuple[Any, ...], Plan] = OrderedDict()
_lock = threading.Lock()
_signals_connected = False


# Plans are kept in each process; the version in the shared cache (Redis in production) tells
# every other process that a reference table changed, so no process keeps a stale plan.
VERSION_KEY = "indicators:plan-version"


def _shared_version() -> int:
    from django.core.cache import cache

    try:
        return int(cache.get(VERSION_KEY) or 0)
    except Exception:  # the cache unreachable: plans still valid in this process
        return 0


def clear_plans(**_: Any) -> None:
    """Forget every plan, in this process and (through the shared version) in every other one
    (a reference table changed; also a signal receiver)."""
    from django.core.cache import cache

    with _lock:
        _plans.clear()
    try:
        if not cache.add(VERSION_KEY, 1, timeout=None):
            cache.incr(VERSION_KEY)
    except Exception:  # the cache unreachable: this process is cleared all the same  # nosec B110
        pass


def compute_many(
    requests: Iterable[Request], user: Any, period: Period
) -> dict[tuple[str, str], IndicatorValue]:
    """The figures ``(code, region)`` for ``user`` over ``period``, keyed by (code, region
    code): each equal to ``registry.compute(code, user, region, period)``."""
    if not _signals_connected:
        connect_signals()
    wanted = list(dict.fromkeys((code, region) for code, region in requests))
    key = _plan_key(wanted, user, period)
    plan = None
    if key is not None:
        with _lock:
            plan = _plans.get(key)
            if plan is not None:
                _plans.move_to_end(key)
    if plan is None:
        plan, values = _build(wanted, user, period)
        if key is not None and plan.cacheable:
            with _lock:
                _plans[key] = plan
                while len(_plans) > MAX_PLANS:
                    _plans.popitem(last=False)
    else:
        values = _execute(plan, user, period)
    return _figures(plan, values, user, period)


# --- the key ------------------------------------------------------------------------------------


def _viewer_key(user: Any) -> tuple[Any, ...] | None:
    """What ``visible_to(user)`` depends on: nothing for a superuser (every row), else the
    user and their active posts (department, its lead flag, region). None: do not cache."""
    from supervision.core.scoping import institution_pk_of

    if user is None or not getattr(user, "is_authenticated", False):
        return ("nobody",)
    if getattr(user, "is_superuser", False):
        return ("everything",)
    pk = getattr(user, "pk", None)
    if pk is None:
        return None
    posts = tuple(
        sorted(
            (a.pk, a.department_id, a.department.is_lead, a.region_id, a.region.code, a.region.level, a.role)
            for a in user.active_assignments()
        )
    )
    return ("user", pk, institution_pk_of(user), posts)


def _plan_key(wanted: list[Request], user: Any, period: Period) -> tuple[Any, ...] | None:
    viewer = _viewer_key(user)
    if viewer is None:
        return None
    regions = tuple((code, r.pk, r.code, r.level) for code, r in wanted)
    connection = connections[DEFAULT_DB_ALIAS]
    return (
        connection.alias,
        connection.vendor,
        _shared_version(),
        viewer,
        period,
        timezone.localdate(),
        regions,
    )


# --- building a plan ----------------------------------------------------------------------------


def _measures(ind: Indicator) -> tuple[tuple[Measure, ...], Derived | None] | None:
    """How the batch measures an indicator: its rows counted, or the measures of its Derived
    value; None when its value is a function of its own (computed by ``compute``)."""
    if ind.value is None:
        return (Measure(ind.rows),), None
    if isinstance(ind.value, Derived):
        return ind.value.measures, ind.value
    return None


class _ReadRecorder:
    """Records the tables of every statement run while the plan's querysets are built."""

    def __init__(self) -> None:
        self.tables: set[str] = set()

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.tables.update(t.lower() for t in _TABLES.findall(sql))
        return execute(sql, params, many, context)


def _build(wanted: list[Request], user: Any, period: Period) -> tuple[Plan, list[Any]]:
    """The plan of ``wanted`` and, measured on the way, the values of its slots."""
    plan = Plan()
    by_measure: dict[tuple[Any, ...], int] = {}
    querysets: dict[int, QuerySet] = {}
    recorder = _ReadRecorder()
    connection = connections[DEFAULT_DB_ALIAS]
    with connection.execute_wrapper(recorder), regions_remembered(), bases_remembered():
        for code, region in wanted:
            ind = get(code)
            url = ind.list_url(region, period) if ind.list_url else None
            how = _measures(ind)
            if how is None:
                plan.figures.append(_Figure(code, region, ind, [], url, fallback=True))
                continue
            measures, derived = how
            slots = []
            for m in measures:
                mkey = (m.rows, m.field, region.pk)
                if mkey not in by_measure:
                    by_measure[mkey] = len(plan.slots)
                    plan.slots.append(_Slot(m, region))
                    querysets[by_measure[mkey]] = m.rows(user, region, period)
                slots.append(by_measure[mkey])
            plan.figures.append(_Figure(code, region, ind, slots, url, derived))
    if not recorder.tables <= REFERENCE_TABLES:
        plan.cacheable = False
    models: dict[Any, list[int]] = {}
    for index, qs in querysets.items():
        if qs.query.is_empty():
            plan.constants[index] = 0 if plan.slots[index].measure.field is None else None
        elif combinable(qs):
            models.setdefault(qs.model, []).append(index)
        else:
            plan.direct.append(index)
    values: list[Any] = [None] * len(plan.slots)
    for indexes in models.values():
        _build_group(plan, indexes, querysets, values)
    for index in plan.direct:
        values[index] = _measure(plan.slots[index], querysets[index])
    for index, value in plan.constants.items():
        values[index] = value
    return plan, values


def _group(plan: Plan, indexes: list[int], querysets: dict[int, QuerySet]) -> list[Child]:
    """The children of ``indexes`` (row sets of one model): a slot whose row set is another
    slot's (same measure) narrowed to a child region of that slot's region, as
    ``child_conjunct`` proves it. Children are read from their parent's aggregate."""
    by_measure: dict[Measure, list[int]] = {}
    for index in indexes:
        by_measure.setdefault(plan.slots[index].measure, []).append(index)
    children = []
    for same in by_measure.values():
        for index in same:
            region = plan.slots[index].region
            parents = [
                i
                for i in same
                if region.prefix.startswith(plan.slots[i].region.prefix)
                and len(plan.slots[i].region.prefix) < len(region.prefix)
            ]
            if not parents:
                continue
            parent = max(parents, key=lambda i: len(plan.slots[i].region.prefix))
            conjunct = child_conjunct(
                querysets[parent], querysets[index], plan.slots[parent].region.prefix, region.prefix
            )
            if conjunct is not None:
                children.append(Child(index, parent, conjunct, region.prefix))
    # One key a statement (the child code's first L digits): the most common L. A parent has a
    # shorter prefix, so it is never read by that key itself.
    lengths = Counter(len(c.key) for c in children)
    if not lengths:
        return []
    length = lengths.most_common(1)[0][0]
    return [c for c in children if len(c.key) == length]


def _build_group(plan: Plan, indexes: list[int], querysets: dict[int, QuerySet], values: list[Any]) -> None:
    """One statement for the slots ``indexes`` (row sets of one model), its children read by
    their key (or, if they cannot be, each a row set of its own); on anything unexpected the
    slots are measured on their own."""
    connection = connections[DEFAULT_DB_ALIAS]
    children = _group(plan, indexes, querysets)
    for attempt in (children, []):
        grouped = {c.slot for c in attempt}
        own = [i for i in indexes if i not in grouped]
        position = {slot: n for n, slot in enumerate(own)}
        refs = [Child(c.slot, position[c.parent], c.conjunct, c.key) for c in attempt]
        try:
            statement = Statement.build(
                [querysets[i] for i in own], own, [plan.slots[i].measure.field for i in own], refs
            )
        except EmptyResultSet:  # the statement's WHERE matches nothing: neither does any row set
            for i in indexes:
                plan.constants[i] = 0 if plan.slots[i].measure.field is None else None
            return
        except (NotCombined, TypeError, ValueError):
            continue
        statement.bind(connection)
        with connection.cursor() as cursor:
            statement.run(connection, cursor, values)
        plan.groups.append(statement)
        return
    plan.direct.extend(indexes)


# --- running a plan -----------------------------------------------------------------------------


def _measure(slot: _Slot, qs: QuerySet) -> Any:
    if slot.measure.field is None:
        return qs.count()
    return qs.aggregate(total=Sum(slot.measure.field))["total"]


def _execute(plan: Plan, user: Any, period: Period) -> list[Any]:
    """The values of the plan's slots, measured now (the plan itself is shared and unchanged)."""
    values: list[Any] = [None] * len(plan.slots)
    for index, value in plan.constants.items():
        values[index] = value
    connection = connections[DEFAULT_DB_ALIAS]
    with connection.cursor() as cursor:
        for statement in plan.groups:
            statement.run(connection, cursor, values)
    for index in plan.direct:
        slot = plan.slots[index]
        values[index] = slot.measure.of(user, slot.region, period)
    return values


def _figures(
    plan: Plan, values: list[Any], user: Any, period: Period
) -> dict[tuple[str, str], IndicatorValue]:
    out = {}
    for figure in plan.figures:
        ind = figure.indicator
        if figure.fallback:
            value = ind.value(user, figure.region, period)  # type: ignore[misc]
        elif figure.derived is not None:
            value = figure.derived.combine(*(values[i] for i in figure.slots))
        else:
            value = values[figure.slots[0]]
        out[(figure.code, figure.region.code)] = IndicatorValue(
            value=value, unit=ind.unit, rows_url=figure.url, indicator=ind
        )
    return out


def connect_signals() -> None:
    """Forget every plan when a reference table is written or the schema migrated (flushed)."""
    global _signals_connected
    from django.apps import apps
    from django.db.models.signals import post_delete, post_migrate, post_save

    for label in (
        "core.Region",
        "core.Domain",
        "core.Department",
        "core.Assignment",
        "core.Remit",
        "deadlines.Rule",
        "contenttypes.ContentType",
    ):
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        post_save.connect(clear_plans, sender=model, dispatch_uid=f"indicator-plans-save-{label}")
        post_delete.connect(clear_plans, sender=model, dispatch_uid=f"indicator-plans-delete-{label}")
    post_migrate.connect(clear_plans, dispatch_uid="indicator-plans-migrate")
    _signals_connected = True


__all__ = ["Plan", "clear_plans", "compute_many", "connect_signals"]
