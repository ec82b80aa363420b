"""One deadline engine, no satellites: whether a rectification item (or a 挂牌督办 listing) is
overdue is read on its Deadline alone, and the suspension order is drafted by the item clock's
escalation stage handler, on the working day the engine computes — never by a calendar-day
comparison of a date copied onto the item. The 挂牌督办 period is a clock of its own, reminded by
the engine and met when the listing closes."""

from __future__ import annotations

import datetime as dt

import pytest

from inspections.rectification import services, tasks
from inspections.rectification.models import ITEM_RULE, LISTING_RULE, NoticeItem, SuspensionOrder
from supervision.core import policy
from supervision.deadlines.models import Deadline, DeadlineState, Notification
from supervision.deadlines.services import fire_bound, open_deadlines_for
from supervision.workcal.services import add_workdays

pytestmark = pytest.mark.django_db

ISSUED = dt.date(2026, 6, 1)  # Monday
FRIDAY = dt.date(2026, 6, 12)  # the date written in the notice
SATURDAY, SUNDAY = dt.date(2026, 6, 13), dt.date(2026, 6, 14)


def friday_notice(world, site):
    draft = services.notice_create(
        site.home,
        [services.ItemSpec(site.duty, "《养老机构管理办法》第二十八条", "建立夜间值班记录", due_date=FRIDAY)],
        actor=world.yanggu_mz,
        on=ISSUED,
    )
    return services.notice_issue(draft, actor=world.yanggu_mz, on=ISSUED)


def escalation_day(due: dt.date) -> dt.date:
    """The first day on which the engine fires the +1 escalation stage of a clock due ``due``."""
    day = due
    while not due <= fire_bound(day, 1):
        day += dt.timedelta(days=1)
    return day


def test_a_notice_due_on_friday_escalates_once_on_the_day_the_engine_says(world, site, engine_day):
    notice = friday_notice(world, site)
    item = notice.items.get()
    clock = open_deadlines_for(item).get()
    assert (clock.rule.code, clock.due, clock.pinned) == (ITEM_RULE, FRIDAY, True)
    escalates = escalation_day(FRIDAY)
    assert escalates == add_workdays(FRIDAY, 1) == dt.date(2026, 6, 15)  # the next working day
    for day in (FRIDAY, SATURDAY, SUNDAY):
        engine_day(day)
        tasks.escalate_overdue()  # the hourly catch-up runs too: it drafts nothing either
        assert not SuspensionOrder.objects.exists(), f"drafted on {day}"
    # overdue since Saturday, by the clock the engine marked: one definition for every page
    clock.refresh_from_db()
    assert clock.state == DeadlineState.OVERDUE
    assert NoticeItem.objects.get(pk=item.pk).is_overdue
    engine_day(escalates)
    order = SuspensionOrder.objects.get(notice=notice)
    notice.refresh_from_db()
    assert notice.escalated_at is not None and notice.escalated_at.date() == escalates
    assert "夜间值班记录缺失" in order.reasons
    engine_day(escalates)
    engine_day(escalates + dt.timedelta(days=1))
    assert tasks.escalate_overdue() == 0
    assert SuspensionOrder.objects.filter(notice=notice).count() == 1
    assert Notification.objects.filter(user=world.yanggu_leader, title__contains="责令停业整顿").count() == 1


def test_overdue_is_read_on_the_clock_not_on_the_copied_date(world, site, issued, client_for):
    """The item's printed ``due`` is a copy for display; pages and filters ask its clock."""
    notice = issued(site.duty, on=dt.date(2026, 9, 28))  # clock due 2026-10-16, long past
    item = notice.items.get()
    assert NoticeItem.objects.get(pk=item.pk).is_overdue
    # A copied date in the past decides nothing when the clock says otherwise (here: the clock
    # is pinned later than the copy), and a clock no longer live is not overdue.
    open_deadlines_for(item).update(due=dt.date(2027, 1, 29))
    assert not NoticeItem.objects.get(pk=item.pk).is_overdue
    assert not NoticeItem.objects.overdue().exists()
    c = client_for(world.yanggu_mz)
    page = c.get("/inspections/rectification/?progress=overdue").content.decode()
    assert "夜间值班记录缺失" not in page
    assert "table-danger" not in c.get("/inspections/rectification/").content.decode()
    open_deadlines_for(item).update(due=dt.date(2026, 10, 16))
    assert "夜间值班记录缺失" in c.get("/inspections/rectification/?progress=overdue").content.decode()
    services.deadlines.deadline_waive(open_deadlines_for(item).get(), reason="测试", actor=policy.SYSTEM)
    assert not NoticeItem.objects.get(pk=item.pk).is_overdue
    assert not NoticeItem.objects.overdue().exists()


def test_listed_supervision_has_its_own_clock_with_reminders_met_at_closure(world, site, engine_day):
    listed_on, stated = dt.date(2026, 6, 1), dt.date(2026, 6, 30)
    listing = services.listing_open(
        site.fire, actor=world.yanggu_mz, supervising_body="阳谷县人民政府", deadline=stated, on=listed_on
    )
    clock = open_deadlines_for(listing).get()
    assert (clock.rule.code, clock.start, clock.due, clock.pinned) == (LISTING_RULE, listed_on, stated, True)
    assert clock.department == world.xf  # the hazard's department answers for it
    assert "默认值" in clock.rule.note  # no document gives the period: said in the rule
    # five working days before the stated date the engine reminds fire rescue's staff
    engine_day(dt.date(2026, 6, 23))
    assert Notification.objects.filter(user=world.yanggu_xf, deadline=clock).exists()
    clock.refresh_from_db()
    assert clock.state == DeadlineState.OPEN
    engine_day(dt.date(2026, 7, 1))
    clock.refresh_from_db()
    assert clock.state == DeadlineState.OVERDUE
    assert type(listing).objects.with_clock().get(pk=listing.pk).is_overdue
    services.listing_close(listing, actor=world.yanggu_xf, note="复查合格", on=dt.date(2026, 7, 2))
    clock.refresh_from_db()
    assert clock.state == DeadlineState.MET and not type(listing).objects.get(pk=listing.pk).is_overdue


def test_a_listing_without_a_stated_date_runs_for_the_rules_period(world, site):
    listing = services.listing_open(
        site.fire, actor=world.yanggu_mz, supervising_body="阳谷县人民政府", on=dt.date(2026, 6, 1)
    )
    clock = Deadline.objects.get(rule__code=LISTING_RULE, object_id=listing.pk)
    assert not clock.pinned and clock.length == clock.rule.length == 30
    assert clock.due == add_workdays(dt.date(2026, 6, 1), 30) == listing.deadline
