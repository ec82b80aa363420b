"""The registry of public detail sections that higher floors contribute."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from ..models import (
    Institution,
)

# --- registry of detail sections contributed by higher floors ------------------------------

DetailSection = Callable[[Institution], "dict[str, Any] | None"]
_DETAIL_SECTIONS: list[DetailSection] = []


def register_public_detail_section(fn: DetailSection) -> DetailSection:
    """Register ``fn(institution) -> {"title", "template", "context"} | None``.

    Called from the registering app's ``AppConfig.ready``. The section is rendered with
    ``template`` and ``context`` below the institution's own disclosure, in registration
    order; ``None`` hides it. The function must return allow-listed, already-published data
    only. Usable as a decorator; registering the same function twice is a no-op."""
    if fn not in _DETAIL_SECTIONS:
        _DETAIL_SECTIONS.append(fn)
    return fn


def detail_sections(inst: Institution) -> list[dict[str, Any]]:
    out = []
    for fn in _DETAIL_SECTIONS:
        section = fn(inst)
        if section:
            html = render_to_string(section["template"], section.get("context") or {})
            out.append({"title": section["title"], "html": mark_safe(html)})  # nosec B308 B703 # our own template, rendered with auto-escaping
    return out
