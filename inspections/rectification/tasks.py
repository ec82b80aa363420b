"""Thin Celery tasks: call a service."""

from __future__ import annotations

import datetime as dt

from celery import shared_task


@shared_task(name="rectification.escalate_overdue")
def escalate_overdue(on: str | None = None) -> int:
    """Daily (beat-safe): draft the suspension order once per overdue notice. ``on`` (ISO date)
    replays the sweep for a given day; beat passes nothing (today)."""
    from .services import rectification_escalate_overdue

    return len(rectification_escalate_overdue(dt.date.fromisoformat(on) if on else None))
