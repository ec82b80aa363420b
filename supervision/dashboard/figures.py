"""The dashboard's figures for one region and period, computed from the indicator registry
into a JSON-ready payload (the page, the downloads and the cache all use it)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.urls import get_script_prefix, get_urlconf, reverse

from supervision import indicators
from supervision.core.models import Region, RegionLevel
from supervision.indicators import IndicatorValue, Period
from supervision.indicators.batch import compute_many
from supervision.indicators.readers import READER, sees_whole_region

from .layout import CHILD_COLUMNS, SECTIONS, Chart

# Computed figures by (code, region code), as ``batch.compute_many`` returns them.
Values = dict[tuple[str, str], IndicatorValue]


def display(value: Any, unit: str) -> str:
    """The figure as a leader reads it: 1,234 / 85.0% / 12,345.00 元 / — (nothing to divide)."""
    if value is None:
        return "—"
    if unit == "%":
        return f"{value}%"
    if unit == "元":
        return f"{Decimal(value):,.2f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _plain(value: Any) -> Any:
    """A number for the chart (JSON): Decimal → float, None → None."""
    if isinstance(value, Decimal):
        return float(value)
    return value


@lru_cache(maxsize=1024)
def _definition_url(code: str, prefix: str, urlconf: Any) -> str:
    return reverse("dashboard:indicator", args=[code], urlconf=urlconf)


def _item(code: str, region: Region, values: Values) -> dict[str, Any] | None:
    figure = values.get((code, region.code))
    if figure is None:  # an app not installed (e.g. funds): its chart simply has no bar
        return None
    ind = figure.indicator
    return {
        "code": code,
        "name": ind.name,
        "value": _plain(figure.value),
        "display": display(figure.value, ind.unit),
        "unit": ind.unit,
        "url": figure.rows_url,
        "definition_url": _definition_url(code, get_script_prefix(), get_urlconf()),
    }


def figures(codes: Iterable[tuple[str, Region]], user: Any, period: Period) -> Values:
    """The figures ``(code, region)`` in a few statements (``batch.compute_many``); codes of
    apps not installed are left out."""
    return compute_many(((c, r) for c, r in codes if _known(c)), user, period)


def chart_codes(chart: Chart) -> list[str]:
    if chart.prefix:
        return [i.code for i in indicators.in_registration_order() if i.code.startswith(chart.prefix)]
    return list(chart.codes)


def _chart_requests(chart: Chart, region: Region) -> list[tuple[str, Region]]:
    codes = chart_codes(chart) + [c for parts in chart.parts.values() for c in parts]
    return [(code, region) for code in codes]


def chart_items(
    chart: Chart, user: Any, region: Region, period: Period, values: Values | None = None
) -> list[dict[str, Any]]:
    """The chart's figures (``values``: computed already, as ``compute_payload`` does for the
    whole page)."""
    if values is None:
        values = figures(_chart_requests(chart, region), user, period)
    items = [item for code in chart_codes(chart) if (item := _item(code, region, values))]
    if chart.hide_zero:
        items = [i for i in items if i["value"]]
    by_code = {i["code"]: i for i in items}
    for item in items:
        parts = chart.parts.get(item["code"])
        if parts:
            item["parts"] = [by_code.get(c) or _item(c, region, values) for c in parts]
    return items


def children_of(region: Region) -> list[Region]:
    return list(region.children.filter(level__lte=RegionLevel.TOWNSHIP).order_by("code"))


def compute_payload(user: Any, region: Region, period: Period) -> dict[str, Any]:
    """Every figure of the dashboard for ``user``'s view of ``region`` over ``period``: all of
    them (the region table's too) in one batch, a statement per model.

    A user who sees the whole region (``sees_whole_region``: the lead department at or above
    it) reads as the region-wide ``READER``: the same figures (the snapshots rest on it) without
    their own ``visible_to`` conditions, and one plan for all of them."""
    if sees_whole_region(user, region):
        user = READER
    columns = [c for c in CHILD_COLUMNS if _known(c)]
    kids = children_of(region)
    requests = [r for section in SECTIONS for c in section.charts for r in _chart_requests(c, region)]
    requests += [(code, child) for child in kids for code in columns]
    values = figures(requests, user, period)
    sections = []
    for section in SECTIONS:
        charts = [
            {
                "key": c.key,
                "title": c.title,
                "kind": c.kind,
                "items": chart_items(c, user, region, period, values),
            }
            for c in section.charts
        ]
        sections.append({"title": section.title, "charts": charts})
    children = []
    for child in kids:
        cells = [_item(code, child, values) for code in columns]
        children.append({"code": child.code, "name": child.name, "cells": cells})
    return {
        "region": {"code": region.code, "name": region.name, "level": region.level},
        "period": {"key": period.key, "label": period.label},
        "sections": sections,
        "child_columns": [{"code": c, "name": indicators.get(c).name} for c in columns],
        "children": children,
    }


def _known(code: str) -> bool:
    try:
        indicators.get(code)
    except LookupError:
        return False
    return True
