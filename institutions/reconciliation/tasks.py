"""Thin Celery task: fetch the run by id and call the service. Idempotent (the service claims
the run with a conditional update), so a redelivered message changes nothing."""

from __future__ import annotations

from typing import Any

from celery import shared_task


@shared_task(
    name="reconciliation.process_run",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=3300,
    time_limit=3600,
    serializer="json",
)
def process_run(run_id: int) -> dict[str, Any]:
    from .services import run_process

    run = run_process(run_id)
    return {"run": run.pk, "status": run.status, "rows": run.processed_rows}
