"""A flag's response clock: met by the institution's explanation, escalated when it lapses."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from funds.deposits import services
from funds.deposits.models import FlagEscalation
from funds.models import FundFlag
from funds.services.flags import flag_review
from supervision.deadlines.models import Deadline, Notification

from .conftest import DEC_1

pytestmark = pytest.mark.django_db


@pytest.fixture
def engine_day(django_capture_on_commit_callbacks):
    import time_machine

    from supervision.deadlines import services as deadline_services

    def run(day: dt.date) -> None:
        moment = dt.datetime(day.year, day.month, day.day, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
        with time_machine.travel(moment, tick=False), django_capture_on_commit_callbacks(execute=True):
            deadline_services.sweep(moment)

    return run


@pytest.fixture
def flag(world, home, fee):
    fee(amount=Decimal("5000"))
    services.checks_run(actor=world.yanggu_mz, region=world.yanggu, on=DEC_1)
    return FundFlag.objects.get(institution=home, rule="escrow.missing")


def clock(flag):
    return Deadline.objects.get(object_id=flag.pk, rule__code="deposits.flag_response")


def test_a_lapsed_response_clock_escalates_the_flag_to_the_leaders(world, flag, engine_day):
    assert clock(flag).due == dt.date(2026, 12, 15)
    engine_day(dt.date(2026, 12, 16))  # the escalation stage: one working day after the due date
    escalation = FlagEscalation.objects.get(flag=flag)
    assert escalation.deadline == clock(flag)
    assert Notification.objects.filter(user=world.yanggu_leader, deadline=clock(flag)).exists()
    engine_day(dt.date(2026, 12, 17))
    assert FlagEscalation.objects.filter(flag=flag).count() == 1


def test_an_explanation_in_time_meets_the_clock_and_nothing_escalates(world, flag, engine_day):
    services.flag_respond(flag, actor=world.yanggu_mz, text="机构已于 12 月 3 日开设专户并存入押金。")
    assert clock(flag).state == "met"
    engine_day(dt.date(2026, 12, 16))
    assert not FlagEscalation.objects.exists()


def test_a_flag_closed_by_review_needs_no_explanation(world, flag, engine_day):
    flag_review(flag, world.yanggu_mz, outcome="corrected", note="已开设专户")
    engine_day(dt.date(2026, 12, 16))
    assert not FlagEscalation.objects.exists()
    assert clock(flag).state == "met"
