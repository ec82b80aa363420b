"""The calendar benchmark itself: it compares like with like (identical results on every pair)
and reports the ratio against the day-by-day loop (a small run; `make bench` runs 100,000)."""

from __future__ import annotations

import datetime as dt

import pytest

from bench import bench_calendar

pytestmark = pytest.mark.django_db


def test_pairs_are_reproducible_and_stay_in_the_package_years():
    pairs = bench_calendar.make_pairs(500)
    assert pairs == bench_calendar.make_pairs(500)
    assert all(dt.date(2005, 1, 1) <= s <= dt.date(2026, 9, 30) and 0 <= n <= 60 for s, n in pairs)


def test_a_small_run_reports_identical_results_and_the_ratio():
    result = bench_calendar.run(2000)
    assert result["pairs"] == 2000 and result["identical_results"] is True
    assert result["ratio"] == pytest.approx(result["loop_seconds"] / result["indexed_seconds"], rel=0.05)
    assert result["ratio"] > 10  # the index is orders of magnitude faster even on a busy machine
