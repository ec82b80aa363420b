"""Builders for indicators whose rows are a staff list: the list's own FilterSet applied to the
list's base queryset, and the list's URL with the same parameters. The figure and the list it
links to are then the same query by construction (tests/dashboard/ checks every one)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db.models import QuerySet
from django.http import QueryDict
from django.urls import reverse
from django.utils.http import urlencode

from supervision.core.models import Region

from .registry import Derived, Indicator, Measure, Period, percent, register

Params = Callable[[Region, Period], dict[str, Any]]

_bases: ContextVar[dict[Any, QuerySet] | None] = ContextVar("indicator_bases", default=None)


@contextmanager
def bases_remembered() -> Iterator[None]:
    """Inside the block each list's base queryset is built once (``batch`` builds hundreds of
    row sets over a dozen bases; a queryset is never changed by filtering it, only cloned)."""
    token = _bases.set({})
    try:
        yield
    finally:
        _bases.reset(token)


def _base(base: Callable[[], QuerySet]) -> QuerySet:
    memo = _bases.get()
    if memo is None:
        return base()
    if base not in memo:
        memo[base] = base()
    return memo[base]


def filter_rows(filterset_class: Any, queryset: QuerySet, params: dict[str, Any]) -> QuerySet:
    """``queryset`` narrowed by ``filterset_class`` with ``params`` as a browser would send them."""
    data = QueryDict(mutable=True)
    for key, value in params.items():
        data[key] = "true" if value is True else "false" if value is False else str(value)
    fs = filterset_class(data, queryset=queryset)
    if not fs.is_valid():  # a bug in an indicator, never user input
        raise ValueError(f"indicator filter invalid: {dict(fs.errors)}")
    return fs.qs


def list_link(url_name: str, params: dict[str, Any], *args: Any) -> str:
    query = {k: ("true" if v is True else "false" if v is False else v) for k, v in params.items()}
    return f"{reverse(url_name, args=args)}?{urlencode(query)}"


def counted(
    code: str,
    name: str,
    *,
    definition: str,
    source: str,
    base: Callable[[], QuerySet],
    filterset: Any,
    url_name: str,
    params: Params,
    unit: str = "件",
    group: str = "",
    evaluation: str | None = None,
    url_args: tuple[Any, ...] = (),
) -> Indicator:
    """Register a count: the rows of the staff list ``url_name`` under ``params``."""

    def rows(user: Any, region: Region, period: Period) -> QuerySet:
        return filter_rows(filterset, _base(base).visible_to(user), params(region, period))  # type: ignore[attr-defined]

    def list_url(region: Region, period: Period) -> str:
        return list_link(url_name, params(region, period), *url_args)

    return register(
        Indicator(
            code=code,
            name=name,
            definition=definition,
            unit=unit,
            source=source,
            rows=rows,
            list_url=list_url,
            evaluation=evaluation,
            group=group,
        )
    )


def rate(
    code: str,
    name: str,
    *,
    numerator: Indicator,
    denominator: Indicator,
    definition: str,
    source: str,
    group: str = "",
    evaluation: str | None = None,
) -> Indicator:
    """Register a rate in percent: numerator rows ÷ denominator rows; its list is the
    denominator's (the numerator has its own indicator and link)."""

    value = Derived(percent, Measure(numerator.rows), Measure(denominator.rows))
    return register(
        Indicator(
            code=code,
            name=name,
            definition=definition,
            unit="%",
            source=source,
            rows=denominator.rows,
            value=value,
            list_url=denominator.list_url,
            evaluation=evaluation,
            group=group,
        )
    )


def in_region_with(**extra: Any) -> Params:
    """Params: the region's code and fixed filters (``in_region_with(status="open")``)."""

    def params(region: Region, period: Period) -> dict[str, Any]:
        return {"region": region.code, **extra}

    return params
