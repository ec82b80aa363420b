"""Celery tasks (thin): the daily sweep of the listing procedure."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="credit.listings_sweep")
def listings_sweep() -> dict[str, int]:
    """Daily: registry facts, expired listings, regrading (as the system). Idempotent."""
    from .services import listings_sweep as sweep

    return sweep()
