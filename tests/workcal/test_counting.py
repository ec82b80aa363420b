"""The counting rule (民法典 art. 201: the start day is not counted) on 2026 package data."""

from __future__ import annotations

import datetime as dt
import random

import chinese_calendar
import pytest

from supervision.workcal.services import add_workdays, add_workdays_ex, is_workday, workdays_between

pytestmark = pytest.mark.django_db
D = dt.date


def loop_add(start: dt.date, n: int) -> dt.date:
    day = start
    while n > 0:
        day += dt.timedelta(days=1)
        n -= chinese_calendar.is_workday(day)
    return day


def test_start_on_a_workday_is_not_counted():
    assert is_workday(D(2026, 9, 28))
    assert add_workdays(D(2026, 9, 28), 1) == D(2026, 9, 29)


def test_start_on_a_weekend_counts_from_the_next_workday():
    assert not is_workday(D(2026, 3, 7))  # Saturday
    assert add_workdays(D(2026, 3, 7), 1) == D(2026, 3, 9)
    assert add_workdays(D(2026, 3, 8), 1) == D(2026, 3, 9)


def test_start_on_a_holiday():
    assert not is_workday(D(2026, 10, 1))
    assert add_workdays(D(2026, 10, 1), 1) == D(2026, 10, 8)
    assert add_workdays(D(2026, 10, 5), 2) == D(2026, 10, 9)


def test_start_on_a_make_up_workday():
    assert is_workday(D(2026, 10, 10))  # Saturday, 国庆节调休上班
    assert add_workdays(D(2026, 10, 10), 1) == D(2026, 10, 12)
    assert add_workdays(D(2026, 10, 9), 1) == D(2026, 10, 10)


def test_zero_returns_the_start_whatever_it_is():
    for day in (D(2026, 9, 28), D(2026, 10, 1), D(2026, 3, 7)):
        assert add_workdays_ex(day, 0) == (day, False)


def test_negative_counts_backwards_strictly_before_the_start():
    assert add_workdays(D(2026, 10, 30), -20) == D(2026, 9, 28)
    assert add_workdays(D(2026, 10, 12), -1) == D(2026, 10, 10)
    assert add_workdays(D(2026, 10, 8), -1) == D(2026, 9, 30)


def test_national_day_2026():
    assert D(2026, 10, 10) in chinese_calendar.workdays  # the package agrees: make-up Saturday
    assert add_workdays_ex(D(2026, 9, 28), 20) == (D(2026, 10, 30), False)
    # a Monday–Friday count would give 10-26
    assert add_workdays(D(2026, 9, 28), 20) != D(2026, 10, 26)


def test_spring_festival_2026_with_its_make_up_days():
    make_up = sorted(d for d in chinese_calendar.workdays if D(2026, 2, 1) <= d <= D(2026, 3, 15))
    assert make_up == [D(2026, 2, 14), D(2026, 2, 28)]  # Saturdays before and after the break
    assert all(is_workday(d) for d in make_up)
    assert [d.day for d in (D(2026, 2, 15) + dt.timedelta(i) for i in range(9)) if not is_workday(d)] == list(
        range(15, 24)
    )
    assert add_workdays(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert add_workdays(D(2026, 2, 14), 1) == D(2026, 2, 24)
    assert add_workdays(D(2026, 2, 13), 7) == D(2026, 3, 2)  # 2-14, 24, 25, 26, 27, 28 (Sat), 3-2
    assert workdays_between(D(2026, 2, 13), D(2026, 2, 28)) == 6


def test_workdays_between_is_signed_and_excludes_the_first_day():
    assert workdays_between(D(2026, 9, 28), D(2026, 10, 30)) == 20
    assert workdays_between(D(2026, 10, 30), D(2026, 9, 28)) == -20
    assert workdays_between(D(2026, 9, 28), D(2026, 9, 28)) == 0
    assert workdays_between(D(2026, 10, 1), D(2026, 10, 8)) == 1


def test_agrees_with_a_day_by_day_loop_over_the_package():
    rng = random.Random(2)
    span = (D(2026, 10, 1) - D(2004, 1, 1)).days
    for _ in range(2000):
        start = D(2004, 1, 1) + dt.timedelta(days=rng.randrange(span))
        n = rng.randrange(0, 61)
        due = loop_add(start, n)
        assert add_workdays(start, n) == due, (start, n)
        assert workdays_between(start, due) == n
        assert is_workday(start) == chinese_calendar.is_workday(start)
