"""Thin Celery task: the beat refresh of the dashboard's cached figures (idempotent)."""

from __future__ import annotations

from typing import Any

from celery import shared_task


@shared_task(name="dashboard.refresh", acks_late=True, soft_time_limit=240, time_limit=300)
def refresh() -> dict[str, Any]:
    from . import snapshots

    return snapshots.refresh_all()
