"""``{% load dossier %}``: the institution file's badges (listed, watch-listed, restricted, D) of
an institution read with ``institutions.querysets.with_badges`` (no query here)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html_join

from institutions.dossier import badges_of

register = template.Library()


@register.filter
def file_badges(institution: Any) -> str:
    """The badges as ``<span class="badge …">`` elements (empty when none)."""
    return format_html_join(
        " ",
        '<span class="badge {}" data-badge="{}">{}</span>',
        ((b.css, b.key, b.label) for b in badges_of(institution)),
    )
