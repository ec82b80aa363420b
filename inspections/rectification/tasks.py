"""Thin Celery tasks: call a service."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="rectification.escalate_overdue")
def escalate_overdue() -> int:
    """Daily (beat-safe): draft the suspension order once per overdue notice."""
    from .services import rectification_escalate_overdue

    return len(rectification_escalate_overdue())
