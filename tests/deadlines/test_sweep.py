"""The sweep: each stage once, nothing new on a second run, catch-up after downtime,
escalation to leaders once, and a constant number of queries. The sweep claims reminders;
notifications are made by the delivery task it queues after commit (run here by executing
the on-commit callbacks, as a real commit would)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from supervision.core.models import Role
from supervision.deadlines import services
from supervision.deadlines.models import Deadline, DeadlineState, Notification, Reminder
from supervision.deadlines.services import deadline_meet, fire_bound
from supervision.workcal.services import add_workdays
from tests.factories import AssignmentFactory, UserFactory

D = dt.date
TZ = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


@pytest.fixture
def city_leader(world):
    user = UserFactory(username="liaocheng_leader")
    AssignmentFactory(user=user, department=world.mz, region=world.liaocheng, role=Role.LEADER)
    return user


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    """services.sweep followed by its on-commit delivery."""

    def run(now: dt.datetime) -> services.SweepResult:
        with django_capture_on_commit_callbacks(execute=True):
            return services.sweep(now)

    return run


def stages_of(deadline: Deadline) -> dict[str, bool]:
    return dict(Reminder.objects.filter(deadline=deadline).values_list("stage", "delivered"))


def notes(user) -> list[str]:
    return list(Notification.objects.filter(user=user).order_by("pk").values_list("title", flat=True))


def test_fire_bounds_around_national_day():
    # before_5 on Fri 10-23 covers clocks due up to Fri 10-30.
    assert fire_bound(D(2026, 10, 23), -5) == D(2026, 10, 30)
    # The escalation (+1 working day) of a clock due Fri 10-30 fires on Mon 11-2, not on the weekend.
    assert fire_bound(D(2026, 10, 31), 1) < D(2026, 10, 30) <= fire_bound(D(2026, 11, 2), 1)
    # 5 working days after 9-28: 9-29, 9-30, 10-8, 10-9 and the make-up Saturday 10-10.
    assert fire_bound(D(2026, 9, 28), -5) == add_workdays(D(2026, 9, 28), 5) == D(2026, 10, 10)


def test_each_stage_is_sent_once_on_its_day(world, open_clock, city_leader, sweep):
    d = open_clock(D(2026, 9, 28))  # due 2026-10-30
    assert sweep(at(D(2026, 10, 22))).claimed == 0
    assert sweep(at(D(2026, 10, 23))).delivered == 1
    assert sweep(at(D(2026, 10, 23), 15)).claimed == 0  # twice the same day: nothing new
    assert notes(world.yanggu_mz) == ["【到期提醒】备案后现场核查"]
    sweep(at(D(2026, 10, 29)))
    sweep(at(D(2026, 10, 30)))
    r = sweep(at(D(2026, 10, 31)))  # Saturday: overdue, but no escalation before a working day passes
    assert r.overdue_marked == 1 and r.claimed == 0
    d.refresh_from_db()
    assert d.state == DeadlineState.OVERDUE
    assert sweep(at(D(2026, 11, 2))).delivered == 1
    assert sweep(at(D(2026, 11, 3))).claimed == 0
    assert stages_of(d) == {"before_5": True, "before_1": True, "due": True, "escalate": True}
    assert len(notes(world.yanggu_mz)) == 3  # staff get the three ordinary stages
    assert notes(world.yanggu_leader) == ["【逾期督办】备案后现场核查"]  # leaders: the escalation only
    assert notes(city_leader) == ["【逾期督办】备案后现场核查"]  # ... up the region chain
    for outsider in (world.dongchangfu_mz, world.yanggu_xf, world.outsider):
        assert notes(outsider) == []
    assert Reminder.objects.get(deadline=d, stage="escalate").recipients == 2
    d.refresh_from_db()
    assert d.reminders_done


def test_catch_up_after_downtime_sends_the_latest_stage_and_the_escalation(
    world, open_clock, city_leader, sweep
):
    d = open_clock(D(2026, 9, 28))  # due 2026-10-30; no sweep ran for two weeks
    r = sweep(at(D(2026, 11, 10)))
    # The superseded "5 days before" and "1 day before" are never claimed, now or later.
    assert (r.claimed, r.delivered) == (2, 2)
    assert stages_of(d) == {"due": True, "escalate": True}
    body = Notification.objects.get(user=world.yanggu_mz).title
    assert body == "【已逾期】备案后现场核查"
    assert notes(world.yanggu_leader) == ["【逾期督办】备案后现场核查"]
    assert sweep(at(D(2026, 11, 10))).claimed == 0
    assert sweep(at(D(2026, 11, 20))).claimed == 0
    assert stages_of(d) == {"due": True, "escalate": True}
    assert Notification.objects.count() == 3


def test_catch_up_inside_the_window_sends_only_the_latest_stage(world, open_clock, sweep):
    d = open_clock(D(2026, 9, 28))  # due 10-30; the sweep was down from 10-22 to 10-29
    assert sweep(at(D(2026, 10, 29))).delivered == 1
    assert stages_of(d) == {"before_1": True}
    assert sweep(at(D(2026, 10, 30))).delivered == 1  # "due" still goes out on its day
    assert stages_of(d) == {"before_1": True, "due": True}
    assert len(notes(world.yanggu_mz)) == 2


def test_met_and_waived_clocks_are_not_reminded(world, open_clock, subject, sweep):
    met = open_clock(D(2026, 9, 28))
    deadline_meet(met.subject, "filing.onsite_check")
    waived = open_clock(D(2026, 9, 28))
    Deadline.objects.filter(pk=waived.pk).update(state=DeadlineState.WAIVED)
    assert sweep(at(D(2026, 11, 10))).claimed == 0
    assert Notification.objects.count() == 0


def test_emails_go_out_after_commit(world, open_clock, mailoutbox, django_capture_on_commit_callbacks):
    world.yanggu_mz.email = "mz@example.cn"
    world.yanggu_mz.save()
    open_clock(D(2026, 9, 28))
    with django_capture_on_commit_callbacks() as callbacks:
        services.sweep(at(D(2026, 10, 23)))
    assert mailoutbox == [] and Notification.objects.count() == 0  # nothing before commit
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    assert [m.to for m in mailoutbox] == [["mz@example.cn"]]
    assert "备案后现场核查" in mailoutbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        services.sweep(at(D(2026, 10, 23)))
    assert len(mailoutbox) == 1


@pytest.mark.parametrize("count", [10, 200])
def test_query_count_is_constant(
    world, open_clock, count, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    for i in range(count):
        open_clock(D(2026, 9, 28) + dt.timedelta(days=i % 3))
    add_workdays(D(2026, 10, 1), 1)  # warm the calendar index
    with django_capture_on_commit_callbacks() as callbacks, django_assert_max_num_queries(8):
        r = services.sweep(at(D(2026, 11, 10)))
    assert r.claimed == 2 * count  # "due" and "escalate"; the earlier stages are superseded
    with django_capture_on_commit_callbacks(execute=True), django_assert_max_num_queries(12):
        for callback in callbacks:
            callback()
    assert Notification.objects.count() == 2 * count  # yanggu_mz (due) + yanggu_leader (escalate)


def test_a_lost_delivery_is_caught_up_by_the_next_sweep(
    world, open_clock, django_capture_on_commit_callbacks
):
    open_clock(D(2026, 9, 28))
    with django_capture_on_commit_callbacks():  # the delivery task is lost
        assert services.sweep(at(D(2026, 10, 23))).claimed == 1
    assert Notification.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert services.sweep(at(D(2026, 10, 23), 15)).claimed == 0  # nothing new to claim ...
    assert notes(world.yanggu_mz) == ["【到期提醒】备案后现场核查"]  # ... but delivery caught up
    services.deliver()  # a redelivered task finds nothing left
    assert Notification.objects.count() == 1
