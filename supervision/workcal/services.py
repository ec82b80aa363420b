"""The working-day calendar service: the one place where working days are counted.

Public contract (other apps call these):

* ``is_workday(date) -> bool``
* ``add_workdays(start, n) -> date`` and ``add_workdays_ex(start, n) -> Due(due, provisional)``
* ``workdays_between(a, b) -> int`` – working days in (a, b], negative when b is before a
* ``is_provisional(date) -> bool``
* ``register_schedule_listener(fn)`` – ``fn(year)`` runs when a year's schedule is published
* ``CalendarRangeError`` – a date outside the calendar (before 2004 or after the horizon)

Counting rule (民法典 art. 201: the start day is not counted): ``add_workdays(start, n)`` is
the n-th working day strictly after ``start``, whatever kind of day ``start`` is; ``n == 0``
returns ``start``; a negative ``n`` gives the |n|-th working day strictly before ``start``.

Sources, strongest first: an override (``CalendarDay``); the ``chinesecalendar`` package for
the years it knows; for any other year the statutory holidays of 《全国年节及纪念日放假办法》
(2024 revision) plus weekends, without the make-up swaps that only the State Council's yearly
notice fixes. Such a year is *provisional* until its ``YearSchedule`` is published.

Speed: every answer comes from an in-process index (a sorted list of working-day ordinals and
a flag per day) built lazily for 2004 .. current year + 5; ``add_workdays`` is one bisect.
The index is invalidated in this process at once when an override or a schedule changes, and
in other processes through a version token in Django's cache, checked at most once a second.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from contextlib import nullcontext, suppress
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

import chinese_calendar
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

FIRST_YEAR = 2004
HORIZON_YEARS = 5  # the index reaches the end of (current year + HORIZON_YEARS)
MAX_DAYS = 3650
CACHE_KEY = "workcal:index-version"
CHECK_INTERVAL = 1.0  # seconds between two looks at the shared version token
MAX_AGE = 600.0  # seconds: rebuild anyway (covers a rolled-back change and a new year)

# Chinese names of the package's holidays (it only carries English ones).
PACKAGE_HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


class CalendarRangeError(ValueError):
    """A date (or a count's result) outside the years the calendar covers."""


class Due(NamedTuple):
    due: dt.date
    provisional: bool


class DayInfo(NamedTuple):
    date: dt.date
    workday: bool
    provisional: bool
    name: str  # holiday or make-up day name, "" for an ordinary day
    source: str  # override | package | statutory | weekday


# --- statutory holidays (《全国年节及纪念日放假办法》, 2024 revision) -------------------------


@lru_cache(maxsize=64)
def statutory_holidays(year: int) -> dict[dt.date, str]:
    """The 13 statutory holiday dates of ``year`` (2024 revision, in force since 2025)."""
    from lunar_python import Lunar, Solar

    def solar(s) -> dt.date:
        return dt.date(s.getYear(), s.getMonth(), s.getDay())

    days: dict[dt.date, str] = {dt.date(year, 1, 1): "元旦"}
    new_year = solar(Lunar.fromYmd(year, 1, 1).getSolar())  # 正月初一
    for offset in range(-1, 3):  # 除夕 .. 正月初三
        days[new_year + dt.timedelta(days=offset)] = "春节"
    days[solar(Solar.fromYmd(year, 4, 1).getLunar().getJieQiTable()["清明"])] = "清明节"
    days[dt.date(year, 5, 1)] = days[dt.date(year, 5, 2)] = "劳动节"
    days[solar(Lunar.fromYmd(year, 5, 5).getSolar())] = "端午节"
    days[solar(Lunar.fromYmd(year, 8, 15).getSolar())] = "中秋节"
    for d in (1, 2, 3):
        days[dt.date(year, 10, d)] = "国庆节"
    return days


@lru_cache(maxsize=64)
def package_knows(year: int) -> bool:
    """Whether ``chinesecalendar`` holds ``year`` (it raises NotImplementedError otherwise)."""
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


# --- the index ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Index:
    version: str
    built_at: float
    first: dt.date
    last: dt.date
    base: int  # ordinal of ``first``
    flags: bytes  # flags[o - base] == 1: a working day
    workdays: list[int]  # sorted ordinals of the working days
    provisional_spans: tuple[tuple[int, int], ...]  # ordinal ranges of unpublished unknown years
    provisional_years: frozenset[int]
    overrides: dict[dt.date, tuple[str, str]] = field(default_factory=dict)  # date -> (kind, name)

    def ordinal(self, day: dt.date) -> int:
        if isinstance(day, dt.datetime):
            day = day.date()
        if not (self.first <= day <= self.last):
            raise CalendarRangeError(
                f"日期 {day:%Y-%m-%d} 超出工作日历范围（{self.first:%Y-%m-%d} 至 {self.last:%Y-%m-%d}）"
            )
        return day.toordinal()

    def provisional_between(self, lo: int, hi: int) -> bool:
        return any(lo <= b and hi >= a for a, b in self.provisional_spans)


def _build(version: str) -> _Index:
    from .models import CalendarDay, YearSchedule

    last_year = timezone.localdate().year + HORIZON_YEARS
    first, last = dt.date(FIRST_YEAR, 1, 1), dt.date(last_year, 12, 31)
    overrides = {d: (kind, name) for d, kind, name in CalendarDay.objects.values_list("date", "kind", "name")}
    published = set(YearSchedule.objects.filter(published=True).values_list("year", flat=True))
    pkg_holidays, pkg_workdays = chinese_calendar.holidays, chinese_calendar.workdays

    base = first.toordinal()
    flags = bytearray(last.toordinal() - base + 1)
    provisional_years = []
    for year in range(FIRST_YEAR, last_year + 1):
        known = package_knows(year)
        statutory = {} if known else statutory_holidays(year)
        if not known and year not in published:
            provisional_years.append(year)
        day = dt.date(year, 1, 1)
        o = day.toordinal()
        end = dt.date(year, 12, 31).toordinal()
        weekday = day.weekday()
        while o <= end:
            day = dt.date.fromordinal(o)
            if known:
                work = day in pkg_workdays or (weekday < 5 and day not in pkg_holidays)
            else:
                work = weekday < 5 and day not in statutory
            flags[o - base] = work
            o += 1
            weekday = (weekday + 1) % 7
    for day, (kind, _name) in overrides.items():
        if first <= day <= last:
            flags[day.toordinal() - base] = kind == "workday"
    workdays = [base + i for i, f in enumerate(flags) if f]
    spans = tuple((dt.date(y, 1, 1).toordinal(), dt.date(y, 12, 31).toordinal()) for y in provisional_years)
    return _Index(
        version=version,
        built_at=time.monotonic(),
        first=first,
        last=last,
        base=base,
        flags=bytes(flags),
        workdays=workdays,
        provisional_spans=spans,
        provisional_years=frozenset(provisional_years),
        overrides=overrides,
    )


_lock = threading.Lock()
_index: _Index | None = None
_next_check = 0.0
_pending: list[tuple] = []  # (connection, commit hook) of changes not yet committed


def _shared_version() -> str:
    try:
        version = cache.get(CACHE_KEY)
        if version is None:
            cache.add(CACHE_KEY, "initial", None)
            version = cache.get(CACHE_KEY, "initial")
        return str(version)
    except Exception:  # a cache outage must not stop counting; MAX_AGE still bounds staleness
        return _index.version if _index is not None else "unavailable"


def _current() -> _Index:
    global _index, _next_check
    if _pending and _rolled_back():
        _index = None
    idx, now = _index, time.monotonic()
    if idx is not None and now < _next_check:
        return idx
    with _lock:
        version = _shared_version()
        idx = _index
        if (
            idx is None
            or idx.version != version
            or now - idx.built_at > MAX_AGE
            or idx.last.year != timezone.localdate().year + HORIZON_YEARS
        ):
            idx = _build(version)
            _index = idx
        _next_check = now + CHECK_INTERVAL
        return idx


def invalidate_calendar() -> None:
    """Drop this process's index and tell the other processes (new version token in the cache).

    Called on every save/delete of an override or a schedule, and again when the transaction
    commits, so that a process that rebuilt from not-yet-committed data rebuilds once more.
    Inside a transaction the change is remembered until then: if the transaction (or the
    savepoint) is rolled back instead, Django drops the commit hook and the next call here
    notices it and rebuilds from what is really in the database."""
    global _index

    def bump() -> None:
        global _index
        _index = None
        _pending[:] = [p for p in _pending if p[1] is not bump]
        with suppress(Exception):
            cache.set(CACHE_KEY, uuid.uuid4().hex, None)

    bump()
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        _pending.append((connection, bump))
    transaction.on_commit(bump)


def _rolled_back() -> bool:
    """True when a change made inside a transaction was rolled back (its commit hook is gone)."""
    gone = [p for p in _pending if not any(hook[1] is p[1] for hook in p[0].run_on_commit)]
    for p in gone:
        _pending.remove(p)
    return bool(gone)


def calendar_bounds() -> tuple[dt.date, dt.date]:
    """First and last date the calendar covers."""
    idx = _current()
    return idx.first, idx.last


# --- the public contract ------------------------------------------------------------------


def is_workday(day: dt.date) -> bool:
    idx = _current()
    return idx.flags[idx.ordinal(day) - idx.base] == 1


def is_provisional(day: dt.date) -> bool:
    """True when ``day`` lies in a year whose holiday schedule is not yet published."""
    idx = _current()
    idx.ordinal(day)
    return day.year in idx.provisional_years


def is_provisional_span(a: dt.date, b: dt.date) -> bool:
    """True when a day between a and b (the later one included, the earlier one not) lies in
    a year whose schedule is not yet published: a count over that span may still change."""
    idx = _current()
    lo, hi = sorted((idx.ordinal(a), idx.ordinal(b)))
    return lo < hi and idx.provisional_between(lo + 1, hi)


def add_workdays_ex(start: dt.date, n: int) -> Due:
    """The n-th working day strictly after ``start`` (before it when n < 0), and whether any
    day counted lies in a provisional year. ``n == 0`` returns ``start``, not provisional."""
    idx = _current()
    o = idx.ordinal(start)
    if n == 0:
        return Due(start, False)
    wd = idx.workdays
    if n > 0:
        i = bisect_right(wd, o) + n - 1
        if i >= len(wd):
            raise CalendarRangeError(
                f"从 {start:%Y-%m-%d} 起第 {n} 个工作日超出工作日历范围（至 {idx.last:%Y-%m-%d}）"
            )
        due = wd[i]
        provisional = idx.provisional_between(o + 1, due)
    else:
        i = bisect_left(wd, o) + n
        if i < 0:
            raise CalendarRangeError(
                f"{start:%Y-%m-%d} 之前第 {-n} 个工作日超出工作日历范围（自 {idx.first:%Y-%m-%d} 起）"
            )
        due = wd[i]
        provisional = idx.provisional_between(due, o - 1)
    return Due(dt.date.fromordinal(due), provisional)


def add_workdays(start: dt.date, n: int) -> dt.date:
    return add_workdays_ex(start, n).due


def workdays_between(a: dt.date, b: dt.date) -> int:
    """Working days in (a, b]; negative (minus the working days in (b, a]) when b is before a."""
    idx = _current()
    return bisect_right(idx.workdays, idx.ordinal(b)) - bisect_right(idx.workdays, idx.ordinal(a))


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months (terms set in months: listing and publication
    periods, record expiry); the 31st of a shorter month falls to its last day."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def day_info(day: dt.date) -> DayInfo:
    """What the calendar says about one day and why (for the API, the command and the admin)."""
    idx = _current()
    o = idx.ordinal(day)
    work = idx.flags[o - idx.base] == 1
    provisional = day.year in idx.provisional_years
    if day in idx.overrides:
        return DayInfo(day, work, provisional, idx.overrides[day][1], "override")
    if package_knows(day.year):
        name = ""
        _holiday, detail = chinese_calendar.get_holiday_detail(day)
        if detail:
            name = PACKAGE_HOLIDAY_NAMES.get(str(detail), str(detail))
            if work:
                name = f"{name}调休上班"
        return DayInfo(day, work, provisional, name, "package")
    statutory = statutory_holidays(day.year).get(day, "")
    return DayInfo(day, work, provisional, statutory, "statutory" if statutory else "weekday")


# --- publishing a year's schedule ---------------------------------------------------------

ScheduleListener = Callable[[int], None]
_listeners: list[ScheduleListener] = []


def register_schedule_listener(fn: ScheduleListener) -> ScheduleListener:
    """Call ``fn(year)`` when a year's schedule is published (usable as a decorator).

    Listeners run inside the publishing transaction, after the index has been rebuilt, so a
    listener that recomputes due dates sees the published calendar and commits with it; slow
    follow-up work (notifications) belongs in ``delay_on_commit``. A listener that raises
    rolls the publication back."""
    if fn not in _listeners:
        _listeners.append(fn)
    return fn


def unregister_schedule_listener(fn: ScheduleListener) -> None:
    if fn in _listeners:
        _listeners.remove(fn)


def _check_year(year: int) -> None:
    last = timezone.localdate().year + HORIZON_YEARS
    if not (FIRST_YEAR <= year <= last):
        raise ValidationError(
            {"year": f"年度 {year} 超出工作日历范围（{FIRST_YEAR} 至 {last}）"}, code="out_of_range"
        )


def schedule_enter_days(
    year: int,
    *,
    holidays: dict[dt.date, str] | Iterable[dt.date] = (),
    workdays: dict[dt.date, str] | Iterable[dt.date] = (),
    actor=None,
    note: str = "",
    replace: bool = False,
):
    """Enter a year's days from the State Council notice: holidays and make-up workdays.

    Existing overrides of the same dates are updated; with ``replace`` the year's other
    overrides are deleted (the admin form shows and edits the whole year). Returns the number
    of dates written."""
    from auditlog.context import set_actor

    from .models import CalendarDay, DayKind

    _check_year(year)
    hol = dict(holidays) if isinstance(holidays, dict) else {d: "" for d in holidays}
    wor = dict(workdays) if isinstance(workdays, dict) else {d: "" for d in workdays}
    both = sorted(set(hol) & set(wor))
    if both:
        raise ValidationError(
            "同一日期不能既是休息日又是工作日：" + "、".join(f"{d:%Y-%m-%d}" for d in both), code="conflict"
        )
    wrong = sorted(d for d in (*hol, *wor) if d.year != year)
    if wrong:
        raise ValidationError(
            f"以下日期不属于 {year} 年：" + "、".join(f"{d:%Y-%m-%d}" for d in wrong), code="wrong_year"
        )
    rows = [(d, DayKind.HOLIDAY, name) for d, name in hol.items()]
    rows += [(d, DayKind.WORKDAY, name) for d, name in wor.items()]
    with transaction.atomic(), set_actor(actor) if actor is not None else nullcontext():
        if replace:
            CalendarDay.objects.filter(date__year=year).exclude(date__in=[r[0] for r in rows]).delete()
        for d, kind, name in rows:
            day, created = CalendarDay.objects.get_or_create(
                date=d, defaults={"kind": kind, "name": name, "note": note}
            )
            if not created and (day.kind, day.name) != (kind, name):
                day.kind, day.name = kind, name
                day.save(update_fields=["kind", "name", "updated_at"])
        invalidate_calendar()
    return len(rows)


def schedule_publish(year: int, *, actor=None, source: str):
    """Mark ``year``'s schedule as published (its overrides entered), rebuild the index and
    call the schedule listeners with the year. Publishing an already published year changes
    nothing and calls no listener."""
    from auditlog.context import set_actor

    from .models import YearSchedule

    _check_year(year)
    source = (source or "").strip()
    if not source:
        raise ValidationError({"source": "请填写发布文件（如：国办发明电〔2026〕X号）"}, code="required")
    try:
        with transaction.atomic(), set_actor(actor) if actor is not None else nullcontext():
            YearSchedule.objects.get_or_create(year=year)
            schedule = YearSchedule.objects.select_for_update().get(year=year)
            if schedule.published:
                return schedule
            schedule.published = True
            schedule.source = source
            schedule.published_at = timezone.now()
            schedule.published_by = actor if getattr(actor, "pk", None) else None
            schedule.save(update_fields=["published", "source", "published_at", "published_by"])
            invalidate_calendar()
            for listener in list(_listeners):
                listener(year)
    except Exception:
        invalidate_calendar()  # the rollback undid what the index may have been rebuilt from
        raise
    return schedule
