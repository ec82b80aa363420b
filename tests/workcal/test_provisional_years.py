"""Years the package does not know (2027 today): statutory holidays only, provisional until
the year's schedule is entered and published."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest

from supervision.workcal.services import (
    CalendarRangeError,
    add_workdays_ex,
    calendar_bounds,
    day_info,
    is_provisional,
    is_workday,
    statutory_holidays,
    workdays_between,
)

pytestmark = pytest.mark.django_db
D = dt.date


def test_the_package_does_not_know_2027():
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D(2027, 1, 4))


def test_a_clock_running_into_2027_is_provisional():
    assert add_workdays_ex(D(2026, 12, 21), 20) == (D(2027, 1, 19), True)
    assert add_workdays_ex(D(2026, 12, 1), 5) == (D(2026, 12, 8), False)
    assert add_workdays_ex(D(2027, 1, 19), -20) == (D(2026, 12, 21), True)
    assert is_provisional(D(2027, 6, 1)) and not is_provisional(D(2026, 12, 31))


def test_2027_statutory_holidays_from_the_lunar_calendar():
    off = {
        D(2027, 1, 1): "元旦",
        D(2027, 2, 5): "春节",  # 除夕 (Friday)
        D(2027, 2, 8): "春节",  # 正月初三 (Monday)
        D(2027, 4, 5): "清明节",
        D(2027, 5, 3): None,  # an ordinary Monday: only 1–2 May by statute
        D(2027, 6, 9): "端午节",
        D(2027, 9, 15): "中秋节",
        D(2027, 10, 1): "国庆节",
    }
    for day, name in off.items():
        info = day_info(day)
        assert info.provisional
        if name:
            assert not info.workday and info.name == name and info.source == "statutory", day
        else:
            assert info.workday and info.source == "weekday"
    assert len(statutory_holidays(2027)) == 13
    # no make-up swaps are guessed: the Saturday after National Day stays a rest day
    assert not is_workday(D(2027, 10, 9))


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_statutory_rule_matches_the_published_schedules(year):
    """2025 and 2026 were published under the 2024 revision: every statutory day is a holiday."""
    for day in statutory_holidays(year):
        assert day in chinese_calendar.holidays, day


def test_dates_outside_the_calendar_are_refused_in_chinese():
    first, last = calendar_bounds()
    assert first == D(2004, 1, 1) and last.year >= 2031
    with pytest.raises(CalendarRangeError, match="超出工作日历范围"):
        is_workday(D(2003, 12, 31))
    with pytest.raises(CalendarRangeError, match="超出工作日历范围"):
        workdays_between(D(2026, 1, 1), last + dt.timedelta(days=1))
    with pytest.raises(CalendarRangeError, match="超出工作日历范围"):
        add_workdays_ex(last - dt.timedelta(days=3), 30)
    with pytest.raises(CalendarRangeError):
        add_workdays_ex(D(2004, 1, 5), -10)
