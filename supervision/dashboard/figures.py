"""The dashboard's figures for one region and period, computed from the indicator registry
into a JSON-ready payload (the page, the downloads and the cache all use it)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.urls import reverse

from supervision import indicators
from supervision.core.models import Region, RegionLevel
from supervision.indicators import Period

from .layout import CHILD_COLUMNS, SECTIONS, Chart


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


def _item(code: str, user: Any, region: Region, period: Period) -> dict[str, Any] | None:
    try:
        figure = indicators.compute(code, user, region, period)
    except LookupError:  # an app not installed (e.g. funds): its chart simply has no bar
        return None
    ind = figure.indicator
    return {
        "code": code,
        "name": ind.name,
        "value": _plain(figure.value),
        "display": display(figure.value, ind.unit),
        "unit": ind.unit,
        "url": figure.rows_url,
        "definition_url": reverse("dashboard:indicator", args=[code]),
    }


def chart_codes(chart: Chart) -> list[str]:
    if chart.prefix:
        return [i.code for i in indicators.in_registration_order() if i.code.startswith(chart.prefix)]
    return list(chart.codes)


def chart_items(chart: Chart, user: Any, region: Region, period: Period) -> list[dict[str, Any]]:
    items = [item for code in chart_codes(chart) if (item := _item(code, user, region, period))]
    if chart.hide_zero:
        items = [i for i in items if i["value"]]
    by_code = {i["code"]: i for i in items}
    for item in items:
        parts = chart.parts.get(item["code"])
        if parts:
            item["parts"] = [by_code.get(c) or _item(c, user, region, period) for c in parts]
    return items


def children_of(region: Region) -> list[Region]:
    return list(region.children.filter(level__lte=RegionLevel.TOWNSHIP).order_by("code"))


def compute_payload(user: Any, region: Region, period: Period) -> dict[str, Any]:
    """Every figure of the dashboard for ``user``'s view of ``region`` over ``period``."""
    sections = []
    for section in SECTIONS:
        charts = [
            {"key": c.key, "title": c.title, "kind": c.kind, "items": chart_items(c, user, region, period)}
            for c in section.charts
        ]
        sections.append({"title": section.title, "charts": charts})
    columns = [c for c in CHILD_COLUMNS if _known(c)]
    children = []
    for child in children_of(region):
        cells = [_item(code, user, child, period) for code in columns]
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
