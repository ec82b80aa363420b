"""The suite runs on the pinned day (``TEST_NOW``), never on the real one."""

from __future__ import annotations

import datetime as dt
import os

from django.utils import timezone


def test_the_suite_runs_on_the_pinned_day():
    pinned = dt.datetime.fromisoformat(os.environ["TEST_NOW"])
    assert timezone.localdate() == pinned.astimezone(timezone.get_current_timezone()).date()
    assert dt.date.today() == pinned.date()
    assert abs((timezone.now() - pinned).total_seconds()) < 6 * 3600  # ticking from the pin
