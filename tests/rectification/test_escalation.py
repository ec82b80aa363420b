"""Not rectified in time: the overdue notice gets exactly one draft 责令停业整顿 for a leader;
approving numbers and stores it and refers compulsory measures to the department that holds
them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from inspections.rectification import services, tasks
from inspections.rectification.models import OrderStatus, SuspensionOrder
from supervision.deadlines.models import Notification
from supervision.referrals.services import referrals_for

pytestmark = pytest.mark.django_db

AFTER_DUE = dt.date(2026, 10, 19)  # items issued 2026-09-28 for 10 working days are due 10-16


def test_overdue_notice_escalates_once(world, site, issued):
    notice = issued(site.duty, site.fire, on=dt.date(2026, 9, 28))
    assert services.rectification_escalate_overdue(on=dt.date(2026, 10, 16)) == []  # due today: not yet
    made = services.rectification_escalate_overdue(on=AFTER_DUE)
    again = services.rectification_escalate_overdue(on=AFTER_DUE)
    later = services.rectification_escalate_overdue(on=AFTER_DUE + dt.timedelta(days=7))
    assert len(made) == 1 and again == [] and later == []
    assert SuspensionOrder.objects.filter(notice=notice).count() == 1
    order = made[0]
    assert order.status == OrderStatus.DRAFT and "夜间值班记录缺失" in order.reasons
    assert Notification.objects.filter(user=world.yanggu_leader, title__contains="责令停业整顿").count() == 1
    from credit.models import CreditRecord

    assert CreditRecord.objects.filter(institution=site.home, kind="major_hazard_overdue").count() == 1


def test_the_task_is_safe_to_run_twice(world, site, issued, settings):
    issued(site.duty, on=dt.date(2026, 9, 28))
    assert tasks.escalate_overdue(AFTER_DUE.isoformat()) == 1
    assert tasks.escalate_overdue(AFTER_DUE.isoformat()) == 0
    assert SuspensionOrder.objects.count() == 1


def test_accepted_notices_do_not_escalate(world, site, issued):
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
    assert services.rectification_escalate_overdue(on=AFTER_DUE) == []


def test_a_leader_approves_and_compulsory_measures_are_referred(world, site, issued, client_for):
    issued(site.duty, site.fire, on=dt.date(2026, 9, 28))
    order = services.rectification_escalate_overdue(on=AFTER_DUE)[0]
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
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers with a database lock; row locks need PostgreSQL")
    notice = issued(site.duty, on=dt.date(2026, 9, 28))
    barrier = threading.Barrier(4)
    made: list[int] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            made.append(len(services.rectification_escalate_overdue(on=AFTER_DUE)))
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
