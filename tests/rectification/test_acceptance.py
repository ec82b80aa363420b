"""一问题一整改，一整改一验收，一验收一签名: no acceptance without a named acceptor; a rejected
problem stays open; accepting every problem closes the notice, publishes the result and feeds
the credit ledger."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from inspections.rectification import services
from inspections.rectification.models import ITEM_RULE, ItemState, NoticeStatus
from supervision.deadlines.models import Deadline, DeadlineState
from supervision.deadlines.services import open_deadlines_for

pytestmark = pytest.mark.django_db

SEEN = "现场查看：安全出口已清理，通道畅通"


def respond(world, item):
    return services.item_respond(item, actor=world.yanggu_mz, action_taken="已清理杂物并落实专人巡查")


def test_no_acceptance_without_a_named_acceptor(world, site, issued):
    item = issued(site.duty).items.get()
    respond(world, item)
    with pytest.raises(ValidationError) as err:
        services.item_accept(
            item, actor=world.yanggu_mz, acceptor=None, observed=SEEN, reinspected_on=dt.date(2026, 10, 12)
        )
    assert "一验收一签名" in err.value.message_dict["acceptor"][0]
    item.refresh_from_db()
    assert item.state == ItemState.RESPONDED and item.acceptances.count() == 0
    with pytest.raises(ValidationError) as err:  # nor without what the acceptor saw
        services.item_accept(item, actor=world.yanggu_mz, acceptor=site.mz_inspector, observed=" ")
    assert {"observed", "reinspected_on"} <= set(err.value.message_dict)


def test_acceptance_needs_a_rectification_report_first(world, site, issued):
    item = issued(site.duty).items.get()
    with pytest.raises(ValidationError, match="待整改"):
        services.item_accept(
            item,
            actor=world.yanggu_mz,
            acceptor=site.mz_inspector,
            observed=SEEN,
            reinspected_on=dt.date(2026, 10, 12),
        )


def test_acceptor_must_belong_to_the_issuing_department(world, site, issued):
    item = issued(site.duty).items.get()
    respond(world, item)
    with pytest.raises(ValidationError) as err:
        services.item_accept(
            item,
            actor=world.yanggu_mz,
            acceptor=site.xf_inspector,
            observed=SEEN,
            reinspected_on=dt.date(2026, 10, 12),
        )
    assert "阳谷县民政" in err.value.message_dict["acceptor"][0]


def test_a_rejected_problem_stays_open_with_its_clock(world, site, issued):
    notice = issued(site.duty, site.fire)
    item = notice.items.get(seq=1)
    respond(world, item)
    sign = services.item_reject(
        item,
        actor=world.yanggu_mz,
        acceptor=site.mz_inspector,
        observed="值班记录仍不完整",
        reinspected_on=dt.date(2026, 10, 12),
    )
    item.refresh_from_db()
    notice.refresh_from_db()
    assert sign.acceptor_name == "李检查" and sign.response is not None
    assert item.state == ItemState.REJECTED and item.is_open
    assert notice.status == NoticeStatus.ISSUED
    clock = open_deadlines_for(item).get()
    assert clock.rule.code == ITEM_RULE and clock.due == dt.date(2026, 10, 16)


def test_a_rejection_with_a_new_period_reopens_the_clock(world, site, issued):
    item = issued(site.duty).items.get()
    services.item_reject(
        item,
        actor=world.yanggu_mz,
        acceptor=site.mz_inspector,
        observed="现场未见任何整改",
        reinspected_on=dt.date(2026, 10, 19),
        new_period_workdays=5,
    )
    item.refresh_from_db()
    assert item.due == dt.date(2026, 10, 26)
    assert open_deadlines_for(item).get().due == dt.date(2026, 10, 26)
    assert (
        Deadline.objects.filter(object_id=item.pk, rule__code=ITEM_RULE, state=DeadlineState.WAIVED).count()
        == 1
    )


def test_accepting_every_problem_closes_publishes_and_feeds_credit(world, site, issued, client):
    from credit.models import CreditRecord

    notice = issued(site.duty, site.fire, on=dt.date(2026, 9, 28))
    first, second = notice.items.order_by("seq")
    for item in (first, second):
        respond(world, item)
    services.item_accept(
        first,
        actor=world.yanggu_mz,
        acceptor=site.mz_inspector,
        observed=SEEN,
        reinspected_on=dt.date(2026, 10, 12),
    )
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.ISSUED  # one problem is still open
    first.finding.refresh_from_db()
    second.finding.refresh_from_db()
    # 一整改一验收: the accepted problem leaves the hazard list, the other stays on it
    assert (first.finding.status, second.finding.status) == ("rectified", "open")
    assert client.get("/public/rectification/").content.decode().count(notice.number) == 0
    services.item_accept(
        second,
        actor=world.yanggu_mz,
        acceptor=site.mz_inspector,
        observed=SEEN,
        reinspected_on=dt.date(2026, 10, 12),
    )
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.CLOSED and notice.published_on is not None
    assert not open_deadlines_for(first).exists() and not open_deadlines_for(second).exists()
    assert Deadline.objects.filter(
        object_id=second.pk, rule__code=ITEM_RULE, state=DeadlineState.MET
    ).exists()
    page = client.get("/public/rectification/").content.decode()
    assert notice.number in page and "阳谷县福寿养老院" in page
    assert "张三丰" not in page and "李检查" not in page  # no personal data on the public page
    # the 重大 fire hazard was verified on the re-inspection of 2026-10-12, before its due date
    # 2026-10-16: 按期整改, whatever day the acceptance was typed in
    record = CreditRecord.objects.get(institution=site.home, kind="major_hazard_rectified")
    assert record.source_document == notice.number


@pytest.mark.parametrize(
    ("reinspected_on", "credited"), [(dt.date(2026, 10, 16), True), (dt.date(2026, 10, 19), False)]
)
def test_major_hazard_is_credited_only_when_verified_by_its_due_date(
    world, site, issued, reinspected_on, credited
):
    from credit.models import CreditRecord

    notice = issued(site.fire, on=dt.date(2026, 9, 28))  # due 2026-10-16
    item = notice.items.get()
    respond(world, item)
    services.item_accept(
        item, actor=world.yanggu_mz, acceptor=site.mz_inspector, observed=SEEN, reinspected_on=reinspected_on
    )
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.CLOSED
    assert (
        CreditRecord.objects.filter(institution=site.home, kind="major_hazard_rectified").exists() is credited
    )
