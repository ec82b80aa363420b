"""add_workdays over 100,000 random (start, n) pairs: the indexed calendar service against a
plain day-by-day loop over ``chinese_calendar.is_workday``, in the same run.

Starts lie within 2005–2026 and n within 0–60, so every result stays inside the years the
package knows; both give identical results on every pair (checked after timing).
``BENCH_CALENDAR_PAIRS`` sets another number of pairs for a quick run (the baseline alone takes
about three minutes for 100,000 pairs on the 2-CPU machine)."""

from __future__ import annotations

import datetime as dt
import os
import random
import time

import chinese_calendar

PAIRS = int(os.environ.get("BENCH_CALENDAR_PAIRS", "100000"))
SEED = 20260928


def loop_add_workdays(start: dt.date, n: int) -> dt.date:
    """The baseline: step one day at a time, asking the package about each day."""
    day = start
    while n > 0:
        day += dt.timedelta(days=1)
        if chinese_calendar.is_workday(day):
            n -= 1
    return day


def make_pairs(count: int = PAIRS, seed: int = SEED) -> list[tuple[dt.date, int]]:
    rng = random.Random(seed)
    first, last = dt.date(2005, 1, 1), dt.date(2026, 9, 30)  # +60 workdays stays in 2026
    span = (last - first).days
    return [(first + dt.timedelta(days=rng.randrange(span + 1)), rng.randrange(61)) for _ in range(count)]


def run(count: int = PAIRS) -> dict:
    from supervision.workcal.services import add_workdays, calendar_bounds

    pairs = make_pairs(count)
    calendar_bounds()  # build the index once, outside the timing (it is built once per process)

    t0 = time.perf_counter()
    indexed = [add_workdays(start, n) for start, n in pairs]
    t_index = time.perf_counter() - t0

    t0 = time.perf_counter()
    baseline = [loop_add_workdays(start, n) for start, n in pairs]
    t_loop = time.perf_counter() - t0

    mismatches = [(p, a, b) for p, a, b in zip(pairs, indexed, baseline, strict=True) if a != b]
    assert not mismatches, f"{len(mismatches)} results differ, e.g. {mismatches[:3]}"

    t0 = time.perf_counter()
    from supervision.workcal import services

    services._index = None
    calendar_bounds()
    t_build = time.perf_counter() - t0

    ratio = t_loop / t_index
    print(f"indexed {t_index:.3f} s, loop {t_loop:.3f} s, ratio {ratio:.1f}x (goal >= 10x)")
    return {
        "pairs": count,
        "seed": SEED,
        "indexed_seconds": round(t_index, 4),
        "loop_seconds": round(t_loop, 4),
        "ratio": round(ratio, 1),
        "goal_ratio": 10,
        "goal_met": ratio >= 10,
        "index_build_seconds": round(t_build, 4),
        "per_call_microseconds": round(t_index / count * 1e6, 2),
        "identical_results": True,
    }
