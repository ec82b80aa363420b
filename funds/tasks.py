"""Thin Celery tasks: call a service (beat-safe: both are idempotent)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="funds.open_spot_checks")
def open_spot_checks() -> int:
    """Open this quarter's spot-check round and clock in every county with subsidies (003 4.);
    a round already open is left as it is, so running it daily is harmless."""
    from .services import spot_checks_open_quarter

    return len(spot_checks_open_quarter())


@shared_task(name="funds.run_anomaly_rules")
def run_anomaly_rules() -> int:
    """Run the enabled anomaly rules over every live claim (new facts such as an exit or a
    bed count flag claims filed before them); returns the number of new flags."""
    from .services import run_rules

    return sum(run_rules().values())
