"""Overrides beat the package, and publishing a year's schedule clears provisional and calls
the listeners (the deadline engine recomputes provisional due dates through them)."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.core.cache import cache
from django.core.exceptions import ValidationError

from supervision.workcal import services
from supervision.workcal.models import CalendarDay, DayKind, YearSchedule
from supervision.workcal.services import add_workdays, add_workdays_ex, is_provisional, is_workday

pytestmark = pytest.mark.django_db
D = dt.date


def test_an_override_beats_the_package_and_its_removal_restores_it():
    assert add_workdays(D(2026, 9, 28), 20) == D(2026, 10, 30)
    day = CalendarDay.objects.create(date=D(2026, 10, 8), kind=DayKind.HOLIDAY, name="假设延长")
    assert not is_workday(D(2026, 10, 8))
    assert add_workdays(D(2026, 9, 28), 20) == D(2026, 11, 2)
    CalendarDay.objects.create(date=D(2026, 10, 31), kind=DayKind.WORKDAY, name="假设调休")
    assert add_workdays(D(2026, 9, 28), 20) == D(2026, 10, 31)
    day.delete()
    CalendarDay.objects.filter(date=D(2026, 10, 31)).delete()
    assert add_workdays(D(2026, 9, 28), 20) == D(2026, 10, 30)


def test_entering_and_publishing_2027_changes_the_result_and_calls_listeners(world, heard):
    assert add_workdays_ex(D(2026, 12, 21), 20) == (D(2027, 1, 19), True)
    services.schedule_enter_days(
        2027,
        holidays={D(2027, 2, 9): "春节", D(2027, 2, 10): "春节"},
        workdays={D(2027, 1, 2): "元旦调休上班"},
        actor=world.sysadmin,
    )
    # entered but not yet published: the new days count, the result is still provisional
    assert add_workdays_ex(D(2026, 12, 21), 20) == (D(2027, 1, 18), True)
    assert heard == []

    schedule = services.schedule_publish(2027, actor=world.sysadmin, source="国办发明电〔2026〕7号")
    assert heard == [2027]
    assert add_workdays_ex(D(2026, 12, 21), 20) == (D(2027, 1, 18), False)
    assert not is_provisional(D(2027, 2, 9)) and not is_workday(D(2027, 2, 9))
    assert is_provisional(D(2028, 1, 3))
    schedule.refresh_from_db()
    assert schedule.published and schedule.published_by == world.sysadmin
    assert schedule.source == "国办发明电〔2026〕7号" and schedule.published_at
    entry = LogEntry.objects.get_for_object(schedule).latest("timestamp")
    assert entry.actor == world.sysadmin and "published" in entry.changes_dict

    # publishing again is a no-op: no second notification
    services.schedule_publish(2027, actor=world.sysadmin, source="另一个文号")
    assert heard == [2027]
    assert YearSchedule.objects.get(year=2027).source == "国办发明电〔2026〕7号"


def test_a_failing_listener_rolls_the_publication_back(world):
    def broken(year: int) -> None:
        raise RuntimeError("notification service down")

    services.register_schedule_listener(broken)
    with pytest.raises(RuntimeError):
        services.schedule_publish(2027, actor=world.sysadmin, source="国办发明电〔2026〕7号")
    assert not YearSchedule.objects.filter(year=2027, published=True).exists()
    assert is_provisional(D(2027, 1, 4))


def test_listeners_see_the_published_calendar(world):
    seen = []
    services.register_schedule_listener(lambda year: seen.append(add_workdays_ex(D(2026, 12, 21), 20)))
    services.schedule_publish(2027, actor=world.sysadmin, source="国办发明电〔2026〕7号")
    assert seen == [(D(2027, 1, 19), False)]


def test_publishing_needs_a_source_and_a_year_in_range(world):
    with pytest.raises(ValidationError) as exc:
        services.schedule_publish(2027, actor=world.sysadmin, source=" ")
    assert "发布文件" in str(exc.value)
    with pytest.raises(ValidationError):
        services.schedule_publish(2003, actor=world.sysadmin, source="x")


def test_entering_days_refuses_other_years_and_conflicts():
    with pytest.raises(ValidationError, match="不属于 2027 年"):
        services.schedule_enter_days(2027, holidays=[D(2028, 1, 3)])
    with pytest.raises(ValidationError, match="既是休息日又是工作日"):
        services.schedule_enter_days(2027, holidays=[D(2027, 1, 4)], workdays=[D(2027, 1, 4)])
    assert not CalendarDay.objects.exists()


def test_other_processes_see_a_change_through_the_cache_version():
    assert is_workday(D(2026, 10, 8))
    # another process wrote the override (no signal here) and bumped the shared version
    CalendarDay.objects.bulk_create([CalendarDay(date=D(2026, 10, 8), kind=DayKind.HOLIDAY)])
    services._next_check = float("inf")  # still within the check interval: the index is kept
    assert is_workday(D(2026, 10, 8))
    cache.set(services.CACHE_KEY, "bumped-elsewhere", None)
    services._next_check = 0.0  # the check interval has passed
    assert not is_workday(D(2026, 10, 8))


def test_a_rolled_back_override_leaves_the_calendar_as_it_was():
    from django.db import transaction

    assert is_workday(D(2026, 10, 8))
    with pytest.raises(RuntimeError), transaction.atomic():
        CalendarDay.objects.create(date=D(2026, 10, 8), kind=DayKind.HOLIDAY)
        assert not is_workday(D(2026, 10, 8))  # seen at once inside the transaction
        raise RuntimeError("rolled back")
    assert is_workday(D(2026, 10, 8))
