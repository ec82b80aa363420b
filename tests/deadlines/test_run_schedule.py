"""The embedded default runs the beat schedule in-process (``manage.py run_schedule``)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from supervision.deadlines.models import Deadline, DeadlineState, Reminder

pytestmark = pytest.mark.django_db


def test_once_runs_the_sweep_and_marks_an_overdue_clock(
    open_clock, world, settings, django_capture_on_commit_callbacks
):
    settings.REDIS_URL = ""
    start = timezone.localdate() - dt.timedelta(days=60)
    d = open_clock(start)
    assert d.due < timezone.localdate()
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_schedule", "--once", stdout=out, stderr=io.StringIO())
    d.refresh_from_db()
    assert d.state == DeadlineState.OVERDUE
    assert Reminder.objects.filter(deadline=d, escalate=True).exists()
    assert world.yanggu_leader.notifications.filter(deadline=d, kind="escalation").count() == 1
    assert "deadlines-sweep" in out.getvalue()
    # Running it again sends nothing twice.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_schedule", "--once", stdout=io.StringIO(), stderr=io.StringIO())
    assert world.yanggu_leader.notifications.filter(deadline=d, kind="escalation").count() == 1
    assert Deadline.objects.get(pk=d.pk).state == DeadlineState.OVERDUE


def test_refuses_to_schedule_beside_a_real_broker(settings):
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    with pytest.raises(CommandError, match="Celery worker 与 beat"):
        call_command("run_schedule", stdout=io.StringIO())
