"""Thin Celery tasks: call a service."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="rectification.escalate_overdue")
def escalate_overdue(on: str | None = None) -> int:
    """Hourly catch-up (beat-safe): the suspension order is drafted by the item clock's
    escalation stage handler when the deadline engine fires the stage; this runs the same
    handler for any escalation the engine has already delivered whose notice has not escalated
    (e.g. one delivered before the handler was deployed). ``on`` is accepted (and ignored) so a
    message queued with the old signature still runs: the engine, not a date given here,
    decides what is overdue."""
    from .services import rectification_escalate_overdue

    return len(rectification_escalate_overdue())
