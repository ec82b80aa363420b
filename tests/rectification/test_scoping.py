"""Scope(region="institution__region", department="issuing_department"): the lead department
sees every notice in its jurisdiction; a partner sees its own; a sibling county sees none."""

from __future__ import annotations

import datetime as dt

import pytest

from inspections.rectification import services
from inspections.rectification.models import NoticeItem, Penalty, RectificationNotice

pytestmark = pytest.mark.django_db


@pytest.fixture
def notices(world, site, issued):
    mz_notice = issued(site.duty)
    xf_notice = services.notice_issue(
        services.notice_create(
            site.home,
            [services.ItemSpec(site.fire, "《消防法》第二十八条", "清理", period_workdays=3)],
            actor=world.yanggu_xf,
        ),
        actor=world.yanggu_xf,
        on=dt.date(2026, 9, 28),
    )
    return mz_notice, xf_notice


def visible(user):
    return set(RectificationNotice.objects.visible_to(user).values_list("number", flat=True))


def test_lead_sees_all_partner_sees_its_own(world, notices):
    mz_notice, xf_notice = notices
    assert visible(world.yanggu_mz) == {mz_notice.number, xf_notice.number}
    assert visible(world.yanggu_xf) == {xf_notice.number}
    assert visible(world.dongchangfu_mz) == set()
    assert visible(world.outsider) == set()
    assert set(NoticeItem.objects.visible_to(world.yanggu_xf).values_list("notice_id", flat=True)) == {
        xf_notice.pk
    }


def test_pages_api_and_documents_answer_404_out_of_scope(world, notices, client_for, api_for):
    mz_notice, xf_notice = notices
    xf = client_for(world.yanggu_xf)
    assert xf.get(f"/inspections/rectification/notices/{mz_notice.pk}/").status_code == 404
    assert xf.get(f"/documents/{mz_notice.document_id}/download/").status_code == 404
    assert xf.get(f"/inspections/rectification/notices/{xf_notice.pk}/").status_code == 200
    listing = xf.get("/inspections/rectification/notices/").content.decode()
    assert xf_notice.number in listing and mz_notice.number not in listing
    api = api_for(world.yanggu_xf)
    numbers = {row["number"] for row in api.get("/api/v1/rectifications/").json()["results"]}
    assert numbers == {xf_notice.number}
    item = mz_notice.items.get()
    response = api.post(
        f"/api/v1/rectifications/{mz_notice.pk}/respond/", {"item": item.pk, "action_taken": "x"}
    )
    assert response.status_code == 404
    sibling = api_for(world.dongchangfu_mz)
    assert sibling.get(f"/api/v1/rectifications/{xf_notice.pk}/").status_code == 404


def test_a_partner_cannot_issue_in_another_departments_name(world, site, draft):
    from django.http import Http404

    notice = draft(site.duty)  # drafted by civil affairs: out of the fire department's scope
    with pytest.raises(Http404):
        services.notice_issue(notice, actor=world.yanggu_xf, on=dt.date(2026, 9, 28))
    notice.refresh_from_db()
    assert notice.status == "draft"


def test_penalties_are_scoped_by_department(world, site):
    services.penalty_record(
        site.home,
        actor=world.yanggu_xf,
        decision_number="阳消行罚决字〔2026〕1号",
        kind="fine",
        fine_amount=5000,
        facts="安全出口堵塞",
        legal_basis="《消防法》第六十条",
        decided_on=dt.date(2026, 10, 20),
        findings=[site.fire],
    )
    assert Penalty.objects.visible_to(world.yanggu_mz).count() == 1
    assert Penalty.objects.visible_to(world.yanggu_xf).count() == 1
    assert Penalty.objects.visible_to(world.dongchangfu_mz).count() == 0


def test_only_the_issuing_departments_staff_handle_a_notice(world, notices, site, api_for):
    """Seeing a notice is not handling it: an auditor only reads, and the lead department
    coordinates but does not record responses or acceptances on a partner's notice."""
    from django.core.exceptions import PermissionDenied

    from tests.factories import AssignmentFactory, UserFactory

    mz_notice, xf_notice = notices
    auditor = UserFactory(username="yanggu_mz_auditor")
    AssignmentFactory(user=auditor, department=world.mz, region=world.yanggu, role="auditor")
    mz_item, xf_item = mz_notice.items.get(), xf_notice.items.get()
    with pytest.raises(PermissionDenied, match="民政的管理员、监管执法人员、领导"):
        services.item_respond(mz_item, actor=auditor, action_taken="已整改")
    refused = api_for(auditor).post(
        f"/api/v1/rectifications/{mz_notice.pk}/respond/", {"item": mz_item.pk, "action_taken": "已整改"}
    )
    assert refused.status_code == 403 and "民政的" in refused.json()["detail"]
    with pytest.raises(PermissionDenied, match="消防救援的"):
        services.item_respond(xf_item, actor=world.yanggu_mz, action_taken="已清理")
    services.item_respond(xf_item, actor=world.yanggu_xf, action_taken="已清理")
    with pytest.raises(PermissionDenied):
        services.item_accept(
            xf_item,
            actor=world.yanggu_mz,
            acceptor=site.xf_inspector,
            observed="通道畅通",
            reinspected_on=dt.date(2026, 10, 9),
        )
    with pytest.raises(PermissionDenied):
        services.item_reject(
            xf_item,
            actor=auditor,
            acceptor=site.xf_inspector,
            observed="仍堵塞",
            reinspected_on=dt.date(2026, 10, 9),
        )
    xf_item.refresh_from_db()
    assert xf_item.state == "responded" and xf_item.acceptances.count() == 0
    services.item_accept(
        xf_item,
        actor=world.yanggu_xf,
        acceptor=site.xf_inspector,
        observed="通道畅通",
        reinspected_on=dt.date(2026, 10, 9),
    )
    xf_item.refresh_from_db()
    assert xf_item.state == "accepted"


def test_penalty_appeal_and_listing_writes_need_a_handling_post(world, site):
    from django.core.exceptions import PermissionDenied

    from tests.factories import AssignmentFactory, UserFactory

    auditor = UserFactory(username="yanggu_mz_auditor")
    AssignmentFactory(user=auditor, department=world.mz, region=world.yanggu, role="auditor")
    penalty = services.penalty_record(
        site.home,
        actor=world.yanggu_xf,
        decision_number="阳消行罚决字〔2026〕2号",
        kind="warning",
        facts="安全出口堵塞",
        legal_basis="《消防法》第六十条",
        decided_on=dt.date(2026, 10, 20),
    )
    with pytest.raises(PermissionDenied, match="消防救援的"):  # civil affairs sees it, fire decides
        services.penalty_set_appeal(penalty, actor=world.yanggu_mz, status="reconsideration")
    assert services.penalty_set_appeal(
        penalty, actor=world.yanggu_xf, status="reconsideration"
    ).appeal_status == ("reconsideration")
    with pytest.raises(PermissionDenied):  # civil affairs opens 挂牌督办 (民政牵头提请)
        services.listing_open(
            site.fire,
            actor=world.yanggu_xf,
            supervising_body="阳谷县人民政府",
            deadline=dt.date(2026, 12, 31),
            on=dt.date(2026, 10, 1),
        )
    listing = services.listing_open(
        site.fire,
        actor=world.yanggu_mz,
        supervising_body="阳谷县人民政府",
        deadline=dt.date(2026, 12, 31),
        on=dt.date(2026, 10, 1),
    )
    with pytest.raises(PermissionDenied):
        services.listing_progress_add(listing, actor=auditor, text="已整改一半", on=dt.date(2026, 10, 9))
    # civil affairs coordinates 挂牌督办 across departments (民政牵头); the hazard's department reports
    services.listing_progress_add(listing, actor=world.yanggu_mz, text="已整改一半", on=dt.date(2026, 10, 9))
    services.listing_progress_add(listing, actor=world.yanggu_xf, text="已全部整改", on=dt.date(2026, 10, 20))
    with pytest.raises(PermissionDenied):
        services.listing_close(listing, actor=auditor, note="复查合格")
    assert services.listing_close(
        listing, actor=world.yanggu_xf, note="复查合格", on=dt.date(2026, 11, 2)
    ).status == ("closed")
