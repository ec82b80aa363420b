"""A task's report-by date is a clock of the deadline engine on each assigned body: launching the
campaign opens it, the sweep reminds the body's staff before the date (once), and a report meets it."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from supervision.campaigns import services
from supervision.campaigns.models import REPORT_RULE
from supervision.deadlines import services as deadlines
from supervision.deadlines.models import DeadlineState, Notification

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def run_sweep(capture, day: dt.date) -> None:
    with capture(execute=True):
        deadlines.sweep(dt.datetime(day.year, day.month, day.day, 9, tzinfo=TZ))


def township_assignment(cw):
    return cw.task.assignments.get(role="township")


def test_launch_opens_one_pinned_clock_per_body(cw):
    assert not deadlines.open_deadlines_for(township_assignment(cw)).exists()
    services.campaign_launch(cw.campaign, actor=cw.campaign.created_by)
    bodies = {(a.department.code, a.region.code) for a in cw.task.assignments.all()}
    assert bodies == {
        ("civil_affairs", "371521000000"),
        ("fire_rescue", "371521000000"),
        ("civil_affairs", "371521100000"),
    }
    clock = deadlines.open_deadlines_for(township_assignment(cw)).get()
    assert clock.rule.code == REPORT_RULE and clock.due == dt.date(2026, 12, 10) and clock.pinned
    assert clock.rule.source_document  # the rule names its source


def test_the_township_is_reminded_before_the_date_once(cw, django_capture_on_commit_callbacks):
    services.campaign_launch(cw.campaign, actor=cw.campaign.created_by)
    run_sweep(django_capture_on_commit_callbacks, dt.date(2026, 12, 9))  # one working day before
    got = Notification.objects.filter(user=cw.township_user)
    assert got.count() == 1
    assert "专项行动任务报送" in got.get().title
    assert Notification.objects.filter(user=cw.township_liaison).count() == 1  # liaisons carry it
    run_sweep(django_capture_on_commit_callbacks, dt.date(2026, 12, 9))
    assert Notification.objects.filter(user=cw.township_user).count() == 1  # never twice


def test_a_report_meets_the_clock_and_stops_the_reminders(cw, django_capture_on_commit_callbacks):
    services.campaign_launch(cw.campaign, actor=cw.campaign.created_by)
    a = township_assignment(cw)
    services.assignment_submit(a, actor=cw.township_user, summary="已完成排查，报告见附件。")
    clock = a and deadlines.open_deadlines_for(a)
    assert not clock.exists()
    run_sweep(django_capture_on_commit_callbacks, dt.date(2026, 12, 9))
    assert not Notification.objects.filter(user=cw.township_user).exists()


def test_an_unreported_body_is_overdue_on_the_board(cw, django_capture_on_commit_callbacks):
    services.campaign_launch(cw.campaign, actor=cw.campaign.created_by)
    services.assignment_submit(
        cw.task.assignments.get(role="lead"), actor=cw.campaign.created_by, summary="县民政局已报送。"
    )
    run_sweep(django_capture_on_commit_callbacks, dt.date(2026, 12, 14))
    a = township_assignment(cw)
    from supervision.deadlines.models import Deadline

    assert Deadline.objects.get(object_id=a.pk, rule__code=REPORT_RULE).state == DeadlineState.OVERDUE
    rows = {r.label: r for r in services.board(cw.task.assignments.all(), "region")}
    assert (rows["博济桥街道"].total, rows["博济桥街道"].overdue) == (1, 1)
    assert (rows["阳谷县"].total, rows["阳谷县"].submitted, rows["阳谷县"].overdue) == (2, 1, 1)
