"""The objection window (陈述申辩期) is a Deadline of the engine (``credit.objection``): opened on
notice with the region's period, reminders to the proposing department before it closes, met by
a statement or by the review, and its close — not a copied date — lets the procedure proceed.

Measured on main before: the window was a date on the proposal, computed outside the engine, so
no reminder ever went out."""

from __future__ import annotations

import datetime as dt

import pytest

from credit import services
from credit.models import OBJECTION_RULE, ListingPolicy, ProposalState
from supervision.deadlines.models import Deadline, Notification
from tests.credit import factories

pytestmark = pytest.mark.django_db

NOTICE = dt.date(2026, 9, 28)  # Monday; the window's 5 working days end on Saturday 10-10 (make-up day)


def _notified(world, inst):
    return services.proposal_notify(factories.proposal(world, inst), actor=world.yanggu_mz, on=NOTICE)


def _reminded(*users) -> dict[str, list[str]]:
    return {
        u.username: list(
            Notification.objects.filter(user=u, deadline__rule__code=OBJECTION_RULE)
            .order_by("pk")
            .values_list("title", flat=True)
        )
        for u in users
    }


def test_notice_opens_the_clock_for_the_proposing_department_at_the_county(world, home):
    p = _notified(world, home)
    clock = Deadline.objects.get(rule__code=OBJECTION_RULE, object_id=p.pk)
    assert (clock.start, clock.due, clock.length, clock.state) == (NOTICE, dt.date(2026, 10, 10), 5, "open")
    assert clock.department == world.mz and clock.region == world.yanggu
    assert p.objection_due == clock.due


def test_the_regions_period_is_the_clocks_length(world, home):
    ListingPolicy.objects.create(region=world.liaocheng, objection_workdays=7, source="聊城市实施细则")
    p = services.proposal_notify(
        factories.proposal(world, home), actor=world.yanggu_mz, on=dt.date(2026, 3, 2)
    )
    clock = p.objection_clock
    assert clock.length == 7 == p.objection_workdays and clock.due == dt.date(2026, 3, 11)


def test_reminders_before_the_window_closes_reach_the_departments_staff(world, home, people):
    p = _notified(world, home)
    staff = [people[n] for n in ("lead", "admin", "liaison")]
    others = [people[n] for n in ("leader", "auditor", "xf", "sibling", "township")]
    factories.run_engine(dt.date(2026, 9, 30))  # 3 working days before the last day: nothing yet
    assert not any(_reminded(*staff, *others).values())
    factories.run_engine(dt.date(2026, 10, 8))  # 2 working days before (10-09, 10-10)
    got = _reminded(*staff, *others)
    assert all(got[u.username] == ["【到期提醒】陈述申辩期"] for u in staff), got
    assert not any(got[u.username] for u in others), got
    note = Notification.objects.filter(user=people["lead"], deadline__rule__code=OBJECTION_RULE).get()
    assert p.number in note.body and "2026-10-10" in note.body
    factories.run_engine(dt.date(2026, 10, 8), hour=15)  # a second sweep the same day: nothing new
    factories.run_engine(dt.date(2026, 10, 10))  # the last day for a statement
    got = _reminded(*staff)
    assert all(len(titles) == 2 for titles in got.values()), got
    p.refresh_from_db()
    assert p.state == ProposalState.NOTIFIED


def test_the_clocks_close_lets_the_procedure_proceed(world, home):
    p = _notified(world, home)
    factories.run_engine(dt.date(2026, 10, 12))  # the first working day after the window
    p.refresh_from_db()
    assert p.state == ProposalState.ELAPSED and "review" in p.allowed_steps(dt.date(2026, 10, 12))
    p = services.proposal_review(
        p, actor=world.yanggu_mz, opinion="期内未申辩", recommend_listing=True, on=dt.date(2026, 10, 12)
    )
    assert p.objection_clock.state == "met"


def test_a_statement_meets_the_clock_and_stops_the_reminders(world, home, people):
    p = _notified(world, home)
    p = services.proposal_object(
        p, actor=world.yanggu_mz, text="已整改，申请不予列入", on=dt.date(2026, 10, 5)
    )
    assert p.objection_clock.state == "met"
    factories.run_engine(dt.date(2026, 10, 8))
    factories.run_engine(dt.date(2026, 10, 12))
    assert not any(_reminded(people["lead"], people["liaison"]).values())
    p.refresh_from_db()
    assert p.state == ProposalState.OBJECTED


def test_a_recounted_clock_moves_the_window(world, home):
    """The window's close is the clock's: once the clock says 1-6, a statement on 1-6 is in time
    and the review is refused on 1-6 — whatever the date first shown."""
    from supervision.workcal import services as workcal

    p = services.proposal_notify(
        factories.proposal(world, home), actor=world.yanggu_mz, on=dt.date(2026, 12, 28)
    )
    assert p.objection_due == dt.date(2027, 1, 5) and p.objection_due_provisional
    workcal.schedule_enter_days(2027, holidays={dt.date(2027, 1, 4): "元旦"}, actor=world.sysadmin)
    workcal.schedule_publish(2027, actor=world.sysadmin, source="国办发明电〔2026〕7号")
    p.refresh_from_db()
    assert p.objection_due == dt.date(2027, 1, 6) and not p.objection_closed(dt.date(2027, 1, 6))
    p = services.proposal_object(p, actor=world.yanggu_mz, text="申辩", on=dt.date(2027, 1, 6))
    assert p.state == ProposalState.OBJECTED


def test_withdrawing_waives_the_window(world, home):
    p = services.proposal_withdraw(_notified(world, home), actor=world.yanggu_mz, reason="事实有误")
    assert p.objection_clock.state == "waived"
