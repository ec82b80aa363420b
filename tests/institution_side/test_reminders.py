"""The clocks on an institution remind its accounts too (drills before they lapse, the filing
clock after the first resident), through the deadline engine's stage handlers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from institutions.portal.reminders import remind_institution
from institutions.services.common import _open_clock
from supervision.deadlines.models import Notification
from supervision.deadlines.services.delivery import _stage_handlers

pytestmark = pytest.mark.django_db


def test_a_drill_clock_reminds_the_institution_before_it_lapses(world, institution_account):
    user, inst = institution_account
    assert remind_institution in _stage_handlers[("drill.half_yearly", "before_20")]
    clock = _open_clock(inst, "drill.half_yearly", dt.date(2026, 6, 1))
    assert remind_institution(clock, "before_20", timezone.now()) == 1
    note = Notification.objects.get(user=user)
    assert note.title.startswith("应急演练") and note.url == "/institution/reports/"
    assert "阳谷县养老服务综合监管实施意见" in note.body
    # the same stage twice is one reminder
    assert remind_institution(clock, "before_20", timezone.now()) == 0


def test_the_filing_clock_reminds_the_institution(world, institution_account):
    user, inst = institution_account
    clock = _open_clock(inst, "filing.first_resident", dt.date(2026, 11, 23))
    remind_institution(clock, "due", timezone.now())
    note = Notification.objects.get(user=user)
    assert note.title == "收住老年人后备案：今天到期" and note.url == "/institution/filing/"
