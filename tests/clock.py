"""The suite's pinned clock (``TEST_NOW``), shared by the test processes and worker subprocesses."""

from __future__ import annotations

import datetime as dt
import os

import time_machine


def pin_clock() -> time_machine.travel:
    """Move this process's clock to ``TEST_NOW`` and let it tick from there."""
    traveller = time_machine.travel(dt.datetime.fromisoformat(os.environ["TEST_NOW"]), tick=True)
    traveller.start()
    return traveller
