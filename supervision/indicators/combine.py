"""The statements of a batch (``batch.compute_many``): the row sets of one model, each a
figure's own queryset, as the aggregates of one SELECT.

* ``combinable``: a queryset whose rows a FILTER over an OR-combination counts exactly;
* ``child_conjunct``: proof that a child region's queryset is its parent's with the region
  condition narrowed (``code LIKE 'P%'`` → ``code LIKE 'C%'``, everything else identical), so
  the child's figure is the parent's aggregate in the rows of the child key (the first
  ``len(C)`` digits of that code);
* ``Statement.build``: the SELECT, compiled once: ``COUNT(*) FILTER (WHERE w)`` or
  ``SUM(f) FILTER (WHERE w)`` per row set, grouped by the child key and by the *dimensions* of
  ``_Layout.families`` (row sets that differ only in one ``<expression> = <constant>``, such as
  the directory by status or the clocks by rule, read one aggregate in the rows of their
  constant). Its WHERE is the widest region condition every row set carries
  (``_common_region``: a superset of each row set, so each FILTER still sees all its rows),
  else the OR of the row sets' WHEREs;
* ``Statement.run``: execute it and read each slot's value back (with Django's converters).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db.models import Count, QuerySet, Sum, Value
from django.db.models.functions import Substr
from django.db.models.lookups import Exact, StartsWith
from django.db.models.sql.constants import INNER
from django.db.models.sql.datastructures import Join
from django.db.models.sql.where import AND, WhereNode

from supervision.core.models import Region


class NotCombined(Exception):
    """The row sets cannot share one statement without changing a figure."""


def combinable(qs: QuerySet) -> bool:
    """True when ``COUNT(*) FILTER (WHERE <qs's WHERE>)`` over an OR-combination with other
    row sets of the model counts exactly ``qs.count()``: a plain filter (no DISTINCT, slice,
    GROUP BY, set operation, aggregate annotation, extra or values()) with a top-level AND,
    joined only along single-valued relations (a reverse or many-to-many join repeats rows),
    and no inner join on a nullable path (the combination would make it an outer join)."""
    query = qs.query
    if (
        query.is_sliced
        or query.distinct
        or query.combinator
        or query.group_by is not None
        or query.extra
        or query.extra_tables
        or qs._fields is not None  # type: ignore[attr-defined]
        or query.where.connector != AND
        or query.where.negated
        or any(getattr(a, "contains_aggregate", True) for a in query.annotations.values())
    ):
        return False
    for join in query.alias_map.values():
        if isinstance(join, Join) and (_multi_valued(join) or (join.join_type == INNER and join.nullable)):
            return False
    return True


def _multi_valued(join: Join) -> bool:
    rel = join.join_field
    return bool(getattr(rel, "one_to_many", False) or getattr(rel, "many_to_many", False))


def _region_code(lookup: Any, prefix: str) -> bool:
    """``lookup`` is ``<some region>.code startswith prefix``."""
    if not isinstance(lookup, StartsWith):
        return False
    target = getattr(lookup.lhs, "target", None)
    return lookup.rhs == prefix and target is not None and target.model is Region and target.name == "code"


def _compiled(compiler: Any, node: Any) -> Any:
    try:
        sql, params = compiler.compile(node)
    except (EmptyResultSet, FullResultSet) as exc:
        return type(exc).__name__
    return sql, tuple(params)


def child_conjunct(parent: QuerySet, child: QuerySet, parent_prefix: str, child_prefix: str) -> int | None:
    """The index of the top-level condition ``<region>.code startswith parent_prefix`` of
    ``parent``'s WHERE that ``child``'s WHERE has as ``… startswith child_prefix``, every other
    condition and every join being identical; None when that is not so (or not provable)."""
    pq, cq = parent.query, child.query
    if not child_prefix.startswith(parent_prefix) or len(child_prefix) <= len(parent_prefix):
        return None
    if list(pq.alias_map.values()) != list(cq.alias_map.values()):
        return None
    pw, cw = pq.where, cq.where
    if pw.negated or cw.negated or pw.connector != AND or cw.connector != AND:
        return None
    if len(pw.children) != len(cw.children):
        return None
    pc, cc = pq.get_compiler(parent.db), cq.get_compiler(child.db)
    found = None
    pairs: list[tuple[Any, Any]] = list(zip(pw.children, cw.children, strict=True))
    for index, (a, b) in enumerate(pairs):
        if (
            found is None
            and _region_code(a, parent_prefix)
            and _region_code(b, child_prefix)
            and _compiled(pc, a.lhs) == _compiled(cc, b.lhs)
        ):
            found = index
        elif _compiled(pc, a) != _compiled(cc, b):
            return None
    return found


def _same_condition(condition: Any, common: Any) -> bool:
    return (
        isinstance(condition, StartsWith)
        and condition.rhs == common.rhs
        and getattr(condition.lhs, "alias", None) == common.lhs.alias
        and getattr(condition.lhs, "target", None) == common.lhs.target
    )


def _conjuncts(where: Any) -> list[Any]:
    """The top-level AND-ed conditions of a WHERE (a lone condition, or an OR, is one)."""
    if isinstance(where, WhereNode) and where.connector == AND and not where.negated:
        return list(where.children)
    return [where]


def _common_region(wheres: list[Any]) -> Any:
    """A ``<region>.code startswith P`` condition every WHERE carries at its top level on the
    same join with P or a longer prefix of P: a superset of every row set. None if none."""
    found = []
    for where in wheres:
        if isinstance(where, WhereNode) and (where.connector != AND or where.negated):
            return None
        hits = [c for c in _conjuncts(where) if isinstance(c, StartsWith) and _region_code(c, c.rhs)]
        if not hits:
            return None
        found.append(hits)
    for candidate in sorted((c for hits in found for c in hits), key=lambda c: len(str(c.rhs))):
        alias = candidate.lhs.alias
        if all(
            any(c.lhs.alias == alias and str(c.rhs).startswith(candidate.rhs) for c in hits) for hits in found
        ):
            return candidate
    return None


@dataclass
class Child:
    """A child region's row set read from its parent's aggregate, by the child key."""

    slot: int
    parent: int  # position of the parent's row set in the statement
    conjunct: int  # the parent's region condition (``child_conjunct``)
    key: str  # the child region's code prefix


@dataclass
class Statement:
    """One SELECT: the key columns (the child key, then one column a dimension), then the
    aggregates. Each slot's value is one aggregate summed over the rows whose key columns hold
    given values (``readings``): over every row for a row set's own aggregate, over the rows of
    its key for a child region, over the rows of its value for a member of a family."""

    sql: str
    params: tuple[Any, ...] | None
    expressions: list[Any]  # the selected expressions (for their converters)
    keys: int  # how many key columns come first
    sums: list[bool]  # which aggregates are sums (None when nothing is summed)
    # (slot, aggregate, ((key column, value), …))
    readings: list[tuple[int, int, tuple[tuple[int, Any], ...]]] = field(default_factory=list)

    @property
    def slots(self) -> list[int]:
        return [slot for slot, _, _ in self.readings]

    @property
    def by_child_key(self) -> list[int]:
        """The slots read by the child key (a child region's figures)."""
        return [slot for slot, _, where in self.readings if any(k == 0 for k, _ in where)]

    @classmethod
    def build(
        cls, querysets: list[QuerySet], slots: list[int], sums: list[str | None], children: list[Child]
    ) -> Statement:
        """One SELECT for ``querysets`` (each measured by a count, or the sum of its field in
        ``sums``), and the ``children`` read from their parents by the child key."""
        combined = querysets[0]._chain()  # type: ignore[attr-defined]
        wheres = [combined.query.where]
        for qs in querysets[1:]:
            before = len(combined.query.where.children) if len(wheres) > 1 else 1
            combined = combined | qs
            if combined.query.where.connector == AND or len(combined.query.where.children) != before + 1:
                raise NotCombined
            wheres = list(combined.query.where.children)
        if any(_multi_valued(j) for j in combined.query.alias_map.values() if isinstance(j, Join)):
            raise NotCombined
        key: Any = Value("")  # no children: one row a combination of the dimensions
        if children:
            regions = [_conjuncts(wheres[c.parent])[c.conjunct] for c in children]
            if len({(r.lhs.alias, len(c.key)) for r, c in zip(regions, children, strict=True)}) != 1:
                raise NotCombined
            key = Substr(regions[0].lhs, 1, len(children[0].key))
        filters = [_conjuncts(where) for where in wheres]
        common = _common_region(wheres)
        if common is not None and len(wheres) > 1:
            # The WHERE is the widest region; in each FILTER that same condition (same join,
            # same prefix) is then always true and is left out.
            combined.query.where = WhereNode([common], AND)
            filters = [[c for c in conjuncts if not _same_condition(c, common)] for conjuncts in filters]
        plan = _Layout(combined.query.get_compiler(combined.db), filters, sums)
        plan.read_children([(c.slot, c.parent, c.key) for c in children], slots)
        dimensions = plan.families(protected={c.parent for c in children})
        annotations = {"_child": key, **{f"_d{d}": e for d, e in enumerate(dimensions)}}
        aggregates = {}
        for n, (conjuncts, name) in enumerate(zip(plan.filters, plan.sums, strict=True)):
            condition = WhereNode(conjuncts, AND) if conjuncts else None
            aggregates[f"m{n}"] = (
                Count("pk", filter=condition) if name is None else Sum(name, filter=condition)
            )
        grouped = combined.order_by().annotate(**annotations).values(*annotations).annotate(**aggregates)
        compiler = grouped.query.get_compiler(combined.db)
        sql, params = compiler.as_sql()
        expressions = [expression for expression, _, _ in compiler.select]
        if len(expressions) != len(annotations) + len(aggregates):
            raise NotCombined
        return cls(
            sql,
            tuple(params),
            expressions,
            len(annotations),
            [name is not None for name in plan.sums],
            plan.readings(slots),
        )

    def bind(self, connection: Any) -> None:
        """On PostgreSQL put the parameters into the text once, as psycopg's client-side
        binding does on every execution (and re-parses the long text for it each time)."""
        if connection.vendor == "postgresql" and self.params:
            self.sql = connection.ops.compose_sql(self.sql, self.params)
            self.params = None

    def run(self, connection: Any, cursor: Any, values: list[Any]) -> None:
        """Execute and put each slot's value into ``values``."""
        cursor.execute(self.sql, self.params)
        converters = [
            connection.ops.get_db_converters(e) + e.get_db_converters(connection) for e in self.expressions
        ]
        rows = []
        for raw in cursor.fetchall():
            row = list(raw)
            for column, convert in enumerate(converters):
                for converter in convert:
                    row[column] = converter(row[column], self.expressions[column], connection)
            rows.append(row)
        # the rows of each value of each key column
        index: dict[tuple[int, Any], list[list[Any]]] = {}
        for row in rows:
            for column in range(self.keys):
                index.setdefault((column, row[column]), []).append(row)
        for slot, aggregate, where in self.readings:
            if not where:
                chosen = rows
            else:
                (column, value), *more = where
                chosen = [r for r in index.get((column, value), []) if all(r[k] == v for k, v in more)]
            values[slot] = self._total([r[self.keys + aggregate] for r in chosen], self.sums[aggregate])

    @staticmethod
    def _total(parts: list[Any], is_sum: bool) -> Any:
        present = [p for p in parts if p is not None]
        if not present:
            return None if is_sum else 0
        return sum(present[1:], present[0])


class _Layout:
    """The aggregates of a statement and what each slot reads of them.

    At first every row set is an aggregate of its own. ``families`` then finds row sets whose
    conditions are identical but for one ``<expression> = <constant>`` (the statuses of the
    directory, its grades, the clocks of each rule …): the family becomes one aggregate of the
    other conditions, grouped by that expression (a *dimension*), and each member reads the
    rows of its constant: ``count(W ∧ e = v) = Σ over the groups where e = v of count(W)``."""

    def __init__(self, compiler: Any, filters: list[list[Any]], sums: list[str | None]) -> None:
        self.compiler = compiler
        self.filters = [list(f) for f in filters]
        self.sums = list(sums)
        self.signatures = [tuple(_compiled(compiler, c) for c in conjuncts) for conjuncts in filters]
        # per row set: (aggregate, ((key column, value), …))
        self.reads: list[tuple[int, tuple[tuple[int, Any], ...]]] = [(n, ()) for n in range(len(filters))]
        self.extra: list[tuple[int, int, tuple[tuple[int, Any], ...]]] = []

    def read_children(self, children: list[tuple[int, int, str]], slots: list[int]) -> None:
        for slot, parent, key in children:
            self.extra.append((slot, parent, ((0, key),)))

    def families(self, protected: set[int]) -> list[Any]:
        candidates: dict[tuple[Any, ...], list[tuple[int, int, Any]]] = {}
        lhs: dict[Any, Any] = {}
        for n, conjuncts in enumerate(self.filters):
            if n in protected:
                continue
            for position, condition in enumerate(conjuncts):
                value = getattr(condition, "rhs", None)
                if (
                    not isinstance(condition, Exact)
                    or isinstance(value, bool)
                    or not isinstance(value, (int, str))
                ):
                    continue
                rest = self.signatures[n][:position] + self.signatures[n][position + 1 :]
                expression = _compiled(self.compiler, condition.lhs)
                lhs.setdefault(expression, condition.lhs)
                candidates.setdefault((rest, expression, self.sums[n]), []).append((n, position, value))
        taken: set[int] = set()
        dimensions: list[Any] = []
        absorbed: dict[int, tuple[int, tuple[tuple[int, Any], ...]]] = {}
        for (rest, expression, name), found in sorted(candidates.items(), key=lambda kv: -len(kv[1])):
            members = [m for m in found if m[0] not in taken]
            if len(members) < 2 or len({m[2] for m in members}) != len(members):
                continue
            taken |= {m[0] for m in members}
            if expression not in dimensions:
                dimensions.append(expression)
            column = 1 + dimensions.index(expression)
            n, position, _ = members[0]
            base = next(
                (
                    a
                    for a, sig in enumerate(self.signatures)
                    if sig == rest and self.sums[a] == name and a not in taken
                ),
                None,
            )
            if base is None:  # the other conditions are no row set's own: an aggregate of their own
                self.filters.append(self.filters[n][:position] + self.filters[n][position + 1 :])
                self.signatures.append(rest)
                self.sums.append(name)
                base = len(self.filters) - 1
            for member, _, value in members:
                absorbed[member] = (base, ((column, value),))
        self.reads = [absorbed.get(n, read) for n, read in enumerate(self.reads)]
        self._drop_unread()
        return [lhs[e] for e in dimensions]

    def _drop_unread(self) -> None:
        """Aggregates no slot reads any more (the members of a family) are left out."""
        used = sorted({a for a, _ in self.reads} | {a for _, a, _ in self.extra})
        renumber = {old: new for new, old in enumerate(used)}
        self.filters = [self.filters[a] for a in used]
        self.sums = [self.sums[a] for a in used]
        self.signatures = [self.signatures[a] for a in used]
        self.reads = [(renumber[a], where) for a, where in self.reads]
        self.extra = [(slot, renumber[a], where) for slot, a, where in self.extra]

    def readings(self, slots: list[int]) -> list[tuple[int, int, tuple[tuple[int, Any], ...]]]:
        own = [(slot, a, where) for slot, (a, where) in zip(slots, self.reads, strict=True)]
        return own + self.extra
