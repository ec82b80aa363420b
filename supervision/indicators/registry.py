"""The indicator registry (issue 16): one place where every figure of the portal is defined.

Each app registers its indicators in ``<app>/indicators.py`` (imported from its AppConfig.ready):
a set-based query of the rows behind the figure (through ``visible_to(user)``), its Chinese
definition, unit and source (document, article), and the staff list that shows the same rows.
Dashboards, periodic reports and the 004 evaluation all read this registry, so a figure means the
same thing everywhere and every number links to its rows. The ground floor knows no domain app.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import QuerySet, Sum

from supervision.core.models import Region


@dataclass(frozen=True)
class Period:
    """A reporting period: inclusive dates and a Chinese label."""

    start: dt.date
    end: dt.date
    label: str

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31), f"{year}年")

    @classmethod
    def half(cls, year: int, half: int) -> Period:
        if half not in (1, 2):
            raise ValueError("half must be 1 or 2")
        start = dt.date(year, 1 if half == 1 else 7, 1)
        end = dt.date(year, 6, 30) if half == 1 else dt.date(year, 12, 31)
        return cls(start, end, f"{year}年{'上' if half == 1 else '下'}半年")

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        if quarter not in (1, 2, 3, 4):
            raise ValueError("quarter must be 1..4")
        first = 3 * quarter - 2
        last = first + 2
        end = dt.date(year, last, calendar.monthrange(year, last)[1])
        return cls(dt.date(year, first, 1), end, f"{year}年第{'一二三四'[quarter - 1]}季度")

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        end = dt.date(year, month, calendar.monthrange(year, month)[1])
        return cls(dt.date(year, month, 1), end, f"{year}年{month}月")

    @property
    def key(self) -> str:
        """A stable string for URLs and caches: ``2026``, ``2026H1``, ``2026Q3``, ``2026-11``."""
        s, e = self.start, self.end
        if (s.month, s.day, e.month, e.day) == (1, 1, 12, 31) and s.year == e.year:
            return str(s.year)
        if s.day == 1 and s.year == e.year and (s.month, e.month) in ((1, 6), (7, 12)):
            return f"{s.year}H{1 if s.month == 1 else 2}"
        if s.day == 1 and s.year == e.year and e.month - s.month == 2 and s.month % 3 == 1:
            return f"{s.year}Q{(s.month + 2) // 3}"
        if s.day == 1 and (s.year, s.month) == (e.year, e.month):
            return f"{s.year}-{s.month:02d}"
        return f"{s.isoformat()}_{e.isoformat()}"

    @classmethod
    def parse(cls, key: str) -> Period:
        """The inverse of ``key``; ValueError on anything else."""
        key = key.strip()
        if "_" in key:
            a, b = key.split("_", 1)
            start, end = dt.date.fromisoformat(a), dt.date.fromisoformat(b)
            if end < start:
                raise ValueError("period ends before it starts")
            return cls(start, end, f"{start:%Y年%m月%d日}至{end:%Y年%m月%d日}")
        if "H" in key:
            y, h = key.split("H", 1)
            return cls.half(int(y), int(h))
        if "Q" in key:
            y, q = key.split("Q", 1)
            return cls.quarter(int(y), int(q))
        if "-" in key:
            y, m = key.split("-", 1)
            return cls.month(int(y), int(m))
        return cls.year(int(key))

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


RowsFn = Callable[[Any, Region, Period], QuerySet]
ValueFn = Callable[[Any, Region, Period], Any]
UrlFn = Callable[[Region, Period], str]


@dataclass(frozen=True)
class Measure:
    """One aggregate over a set of rows: their number, or the sum of ``field`` (None when there
    are no rows, as the database sums nothing)."""

    rows: RowsFn
    field: str | None = None

    def of(self, user: Any, region: Region, period: Period) -> Any:
        qs = self.rows(user, region, period)
        if self.field is None:
            return qs.count()
        return qs.aggregate(total=Sum(self.field))["total"]


class Derived:
    """An indicator's value computed from measures: ``combine(*(measure values))``.

    It is the indicator's ``value`` function and, at the same time, the declaration the batched
    computation (``batch.compute_many``) reads: the batch measures the same rows in its own
    statements and applies the same ``combine``, so both paths compute one definition."""

    def __init__(self, combine: Callable[..., Any], *measures: Measure) -> None:
        self.combine = combine
        self.measures = measures

    def __call__(self, user: Any, region: Region, period: Period) -> Any:
        return self.combine(*(m.of(user, region, period) for m in self.measures))


@dataclass(frozen=True)
class Indicator:
    """One figure: what is counted, in what unit, on what authority, and the rows behind it."""

    code: str
    name: str
    definition: str
    unit: str
    source: str
    rows: RowsFn
    value: ValueFn | None = None
    list_url: UrlFn | None = None
    evaluation: str | None = None
    group: str = ""


@dataclass(frozen=True)
class IndicatorValue:
    """A computed figure with the link to the rows behind it."""

    value: Any
    unit: str
    rows_url: str | None
    indicator: Indicator = field(repr=False)


_registry: dict[str, Indicator] = {}


def register(indicator: Indicator) -> Indicator:
    """Add an indicator; registering the same code twice with a different definition is a bug."""
    existing = _registry.get(indicator.code)
    # Re-imports (autoreload, tests importing the module) register an equal object: fine.
    if existing is not None and (existing.name, existing.definition) != (
        indicator.name,
        indicator.definition,
    ):
        raise ValueError(f"indicator {indicator.code} registered twice")
    _registry[indicator.code] = indicator
    return indicator


def get(code: str) -> Indicator:
    try:
        return _registry[code]
    except KeyError:
        raise LookupError(f"no indicator {code}") from None


def all_indicators() -> list[Indicator]:
    return sorted(_registry.values(), key=lambda i: i.code)


def in_registration_order() -> list[Indicator]:
    """Every indicator in the order the apps registered them (choices' own order)."""
    return list(_registry.values())


def for_evaluation(number: str) -> list[Indicator]:
    """The indicators that fill the given 004 附件1 number (e.g. "2.5")."""
    return [i for i in all_indicators() if i.evaluation == number]


def compute(code: str, user: Any, region: Region, period: Period) -> IndicatorValue:
    """The figure for ``user`` (their visibility) in ``region`` over ``period``."""
    ind = get(code)
    value = ind.value(user, region, period) if ind.value else ind.rows(user, region, period).count()
    url = ind.list_url(region, period) if ind.list_url else None
    return IndicatorValue(value=value, unit=ind.unit, rows_url=url, indicator=ind)


# --- helpers for the apps' indicator modules --------------------------------------------------


def in_region(qs: QuerySet, region: Region) -> QuerySet:
    """Rows of a scoped model inside ``region``'s subtree, by the model's own Scope.region path."""
    path = qs.model.scope.region  # type: ignore[attr-defined]
    return qs.filter(**{f"{path}__code__startswith": region.prefix})


def share_of(total: RowsFn, part: RowsFn) -> Derived:
    """A rate in percent of two row sets, ``part`` being a subset of ``total`` (its rows
    narrowed further): count(part) ÷ count(total)."""
    return Derived(percent, Measure(part), Measure(total))


def percent(numerator: int, denominator: int) -> Decimal | None:
    """A rate in percent with one decimal; None when there is nothing to divide by."""
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.1"), ROUND_HALF_UP)
