"""The one door for a bed count found on site, between peers that may not import each other.

An inspection (``inspections``) that counts the beds it finds records the count here
(``report_beds_found``); the funds app registers its recorder in ``AppConfig.ready`` and keeps
the count as its ``VerifiedBeds`` fact, which the anomaly rule "beds claimed that a check
found not to exist" reads. The call is explicit (a service calls it inside its transaction),
never a signal; with no recorder registered it does nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

# fn(institution, *, beds, on, source, actor)
BedCountRecorder = Callable[..., Any]
_recorders: list[BedCountRecorder] = []


def register_bed_count_recorder(fn: BedCountRecorder) -> BedCountRecorder:
    """Register ``fn(institution, *, beds, on, source, actor)``; idempotent."""
    if fn not in _recorders:
        _recorders.append(fn)
    return fn


def report_beds_found(institution: Any, *, beds: int, on: dt.date, source: str, actor: Any) -> None:
    """Hand the beds found at ``institution`` on ``on`` to every registered recorder."""
    for fn in _recorders:
        fn(institution, beds=beds, on=on, source=source, actor=actor)
