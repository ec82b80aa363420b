"""Workbench panels: apps register what a user sees after login (due work, hazards …).

The ground floor knows no domain app; each app calls ``register_panel`` in its
``AppConfig.ready`` with a function returning ``None`` (nothing to show) or a dict with
``template`` and ``context`` and an ``order``.
"""

from __future__ import annotations

from collections.abc import Callable
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
