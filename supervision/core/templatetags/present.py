"""Template filters of the portal's presentation (supervision/core/present.py):
``{% load present %}`` then ``{{ g.risk_class|risk_label }}``, ``{{ plan.sampling_ratio|percent }}``,
``{{ plan.risk_weights|weights }}``, ``{{ rule|source }}``, ``{{ e.step|verb }}``,
``{% include "partials/workdays_left.html" with left=d.workdays_left %}``."""

from __future__ import annotations

from typing import Any

from django import template

from .. import present
from ..transitions import verb_label

register = template.Library()


@register.filter
def risk_label(value: Any) -> str:
    return present.risk_label(value)


@register.filter
def risk_list(value: Any) -> str:
    return present.risk_list(value)


@register.filter
def percent(value: Any, places: Any = 0) -> str:
    return present.percent(value, int(places or 0))


@register.filter
def weights(value: Any, unit: str = "") -> str:
    return present.weights_text(value, unit)


@register.filter
def source(rule: Any) -> str:
    """A rule (anything with ``source_document`` / ``source_article``) → 《title》第…项."""
    if rule is None:
        return "—"
    return present.source_label(getattr(rule, "source_document", ""), getattr(rule, "source_article", ""))


@register.filter
def cite(value: Any) -> str:
    """Document codes in a text (000（一）) → the documents' titles and articles."""
    return present.cite(value)


@register.filter
def verb(value: Any, model: Any = None) -> str:
    return verb_label(str(value), model) if value else "—"


@register.filter
def workdays(value: Any) -> str:
    return present.workdays_text(value)
