"""The one door to the penalty service for apps that may not import it.

The penalty procedure (``inspections.rectification``) and the funds app are peers on the top
floor and may not import each other. The penalty procedure registers its service here in its
``AppConfig.ready``; funds (the fraud path of a subsidy recovery, 002 (五)) calls
``record_penalty``, which runs the registered service unchanged: same policy check, same
publication, same credit record."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

_recorder: Callable[..., Any] | None = None
_kinds: list[tuple[str, str]] = []


def register_penalty_recorder(fn: Callable[..., Any], *, kinds: Sequence[tuple[str, Any]] = ()) -> None:
    """Register ``fn(institution, *, actor, decision_number, kind, facts, legal_basis,
    decided_on, fine_amount=None)`` and its penalty kinds (value, Chinese label)."""
    global _recorder
    _recorder = fn
    _kinds[:] = [(str(value), label) for value, label in kinds]


def penalty_kinds() -> list[tuple[str, Any]]:
    """The kinds of penalty the registered service accepts, for a form's choices."""
    return list(_kinds)


def record_penalty(institution: Any, **kwargs: Any) -> Any:
    """Record a penalty decision through the registered penalty service; returns its row."""
    if _recorder is None:
        raise RuntimeError("no penalty service registered (inspections.rectification not installed)")
    return _recorder(institution, **kwargs)
