"""Not rectified in time: when the deadline engine escalates an item's clock (on the working day
it computes, never on a date compared here), the notice gets exactly one draft 责令停业整顿 for a
leader; approving numbers and stores it and refers compulsory measures to the department that
holds them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from inspections.rectification import services, tasks
from inspections.rectification.models import OrderStatus, SuspensionOrder
from supervision.deadlines.models import Notification
from supervision.referrals.services import referrals_for

pytestmark = pytest.mark.django_db

DUE = dt.date(2026, 10, 16)  # items issued 2026-09-28 for 10 working days are due Friday 10-16
ESCALATES = dt.date(2026, 10, 19)  # the engine's escalation stage (+1 working day): Monday


def test_overdue_notice_escalates_once(world, site, issued, engine_day):
    notice = issued(site.duty, site.fire, on=dt.date(2026, 9, 28))
    for day in (DUE, dt.date(2026, 10, 17), dt.date(2026, 10, 18)):  # due day and the weekend
        engine_day(day)
        assert not SuspensionOrder.objects.exists(), day
    engine_day(ESCALATES)
    engine_day(ESCALATES)
    engine_day(ESCALATES + dt.timedelta(days=7))
    assert tasks.escalate_overdue() == 0  # the catch-up finds nothing left to do
    order = SuspensionOrder.objects.get(notice=notice)
    assert order.status == OrderStatus.DRAFT and "夜间值班记录缺失" in order.reasons
    assert Notification.objects.filter(user=world.yanggu_leader, title__contains="责令停业整顿").count() == 1
    from credit.models import CreditRecord

    assert CreditRecord.objects.filter(institution=site.home, kind="major_hazard_overdue").count() == 1


def test_the_catch_up_runs_the_handler_for_an_escalation_already_delivered(world, site, issued, engine_day):
    """An escalation the engine delivered while no handler ran (e.g. before this handler was
    deployed) is caught up by the task, once; the task never drafts what the engine has not
    escalated."""
    from supervision.deadlines.services import delivery

    notice = issued(site.duty, on=dt.date(2026, 9, 28))
    assert tasks.escalate_overdue() == 0  # overdue by the calendar long ago, but not escalated
    saved = dict(delivery._stage_handlers)
    delivery._stage_handlers.clear()
    try:
        engine_day(ESCALATES)
    finally:
        delivery._stage_handlers.update(saved)
    assert not SuspensionOrder.objects.exists()
    assert tasks.escalate_overdue() == 1
    assert tasks.escalate_overdue() == 0
    assert SuspensionOrder.objects.filter(notice=notice).count() == 1


def test_accepted_notices_do_not_escalate(world, site, issued, engine_day):
    notice = issued(site.duty, on=dt.date(2026, 9, 28))
    item = notice.items.get()
    services.item_respond(item, actor=world.yanggu_mz, action_taken="已补全")
    services.item_accept(
        item,
        actor=world.yanggu_mz,
        acceptor=site.mz_inspector,
        observed="已补全",
        reinspected_on=dt.date(2026, 10, 12),
    )
    engine_day(ESCALATES)
    assert not SuspensionOrder.objects.exists()


def test_a_leader_approves_and_compulsory_measures_are_referred(world, site, issued, client_for, engine_day):
    issued(site.duty, site.fire, on=dt.date(2026, 9, 28))
    engine_day(ESCALATES)
    order = SuspensionOrder.objects.get()
    with pytest.raises(PermissionDenied):
        services.suspension_approve(order, actor=world.yanggu_mz)  # an inspector is not a leader
    page = client_for(world.yanggu_leader).get(f"/inspections/rectification/suspensions/{order.pk}/")
    assert page.status_code == 200 and "批准下达" in page.content.decode()
    response = client_for(world.yanggu_leader).post(
        f"/inspections/rectification/suspensions/{order.pk}/approve/"
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.APPROVED and order.number == "阳民停整〔2026〕1号"
    assert order.document.verify() and order.document.subject == order
    referrals = list(referrals_for(order))
    # civil affairs holds no fire powers: the fire hazard goes to fire rescue; operations stay
    assert [(r.domain.code, r.to_department.code) for r in referrals] == [("fire", "fire_rescue")]
    assert services.suspension_approve(order, actor=world.yanggu_leader).number == order.number  # no-op


@pytest.mark.django_db(transaction=True)
def test_two_workers_escalating_at_once_draft_one_order(world, site, issued):
    """Four catch-up runs at once over an escalation the engine delivered: one order."""
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers with a database lock; row locks need PostgreSQL")
    from supervision.deadlines.models import Reminder
    from supervision.deadlines.services import open_deadlines_for

    notice = issued(site.duty, on=dt.date(2026, 9, 28))
    clock = open_deadlines_for(notice.items.get()).get()
    Reminder.objects.create(  # the engine's record of a delivered escalation (set-up)
        deadline=clock,
        stage="escalate",
        escalate=True,
        sweep_id="x",
        sent_at=timezone.now(),
        delivered_at=timezone.now(),
    )
    barrier = threading.Barrier(4)
    made: list[int] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            made.append(len(services.rectification_escalate_overdue()))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert sum(made) == 1 and SuspensionOrder.objects.filter(notice=notice).count() == 1
    assert Notification.objects.filter(user=world.yanggu_leader, title__contains="责令停业整顿").count() == 1
