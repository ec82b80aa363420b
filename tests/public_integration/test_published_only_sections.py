"""One institution with a published inspection result, a closed notice, a penalty and a
listing: its public page shows all four sections with those items, and none of its
unpublished (or revoked, or not yet published) ones."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from credit.models import ListingProposal, ProposalState
from inspections.models import Inspection, InspectionStatus
from inspections.rectification.models import AppealStatus, NoticeStatus, Penalty, RectificationNotice
from supervision.publicity.masking import ID_PATTERN, MOBILE_PATTERN

pytestmark = pytest.mark.django_db
# The demo's finished inspections (closed, or already published): templates for the copies.
DONE = [InspectionStatus.CLOSED, InspectionStatus.PUBLISHED]


def clone(obj: Any, **changes: Any) -> Any:
    obj.pk = None
    obj.id = None
    obj._state.adding = True
    for key, value in changes.items():
        setattr(obj, key, value)
    obj.save()
    return obj


@pytest.fixture
def inst(demo_module, db):
    """The demo's listed institution, given a copy of each published demo item of the other
    floors (and an unpublished twin of each)."""
    listing = (
        ListingProposal.objects.filter(state=ProposalState.PUBLISHED).select_related("institution").get()
    )
    inst = listing.institution
    closed = Inspection.objects.filter(status__in=DONE).first()
    clone(
        closed,
        institution=inst,
        status=InspectionStatus.PUBLISHED,
        published_at=timezone.now(),
        published_until=timezone.localdate() + dt.timedelta(days=365),
        public_summary="公开甲：消防通道畅通",
    )
    clone(
        Inspection.objects.filter(status__in=DONE).first(),
        institution=inst,
        status=InspectionStatus.CLOSED,
        published_at=None,
        public_summary="未公开乙：尚未公开的检查",
    )
    # The demo's notice may still be open: the copies set the state each one needs.
    clone(
        RectificationNotice.objects.order_by("pk").first(),
        institution=inst,
        number="公开整改〔2026〕801号",
        status=NoticeStatus.CLOSED,
        closed_at=timezone.now(),
        published_on=timezone.localdate(),
        published_until=timezone.localdate() + dt.timedelta(days=365),
    )
    clone(
        RectificationNotice.objects.order_by("pk").first(),
        institution=inst,
        number="未公开整改〔2026〕802号",
        status=NoticeStatus.ISSUED,
        published_on=None,
    )
    penalty = Penalty.objects.filter(published_on__isnull=False).first()
    clone(penalty, institution=inst, decision_number="公开罚〔2026〕901号", legal_representative="王大明")
    clone(
        Penalty.objects.first(), institution=inst, decision_number="未公开罚〔2026〕902号", published_on=None
    )
    clone(
        Penalty.objects.first(),
        institution=inst,
        decision_number="已撤销罚〔2026〕903号",
        appeal_status=AppealStatus.REVOKED,
    )
    draft = ListingProposal.objects.get(pk=listing.pk)
    clone(
        draft,
        number="DRAFT-0001",
        state=ProposalState.DRAFT,
        decision_number="未公示列入〔2026〕904号",
        published_on=None,
        list_type="watch",
    )
    inst.listing_decision_number = listing.decision_number
    return inst


def test_four_sections_show_published_items_only(inst, client):
    response = client.get(f"/public/institutions/{inst.credit_code}/")
    assert response.status_code == 200
    body = response.content.decode()
    for title in ("监督检查结果", "整改结果", "行政处罚", "信用状况"):
        assert title in body, title
    # published items, with what each section promises
    assert "公开甲：消防通道畅通" in body
    published = Inspection.objects.get(institution=inst, public_summary="公开甲：消防通道畅通")
    assert f'href="/public/inspections/results/{published.pk}/"' in body
    assert "公开整改〔2026〕801号" in body
    assert "公开罚〔2026〕901号" in body and "王**" in body and "王大明" not in body
    # each item with its publication date
    penalty = Penalty.objects.get(decision_number="公开罚〔2026〕901号")
    assert f"公示日期 {penalty.published_on:%Y-%m-%d}" in body
    assert f"公开日期 {timezone.localtime(published.published_at):%Y-%m-%d}" in body
    assert inst.listing_decision_number in body and "失信联合惩戒对象名单" in body
    assert f'href="/public/credit/status/{inst.credit_code}/"' in body
    # nothing unpublished, revoked or not yet publicised
    for hidden in (
        "未公开乙",
        "未公开整改〔2026〕802号",
        "未公开罚〔2026〕902号",
        "已撤销罚〔2026〕903号",
        "未公示列入〔2026〕904号",
    ):
        assert hidden not in body, hidden
    assert not ID_PATTERN.search(body) and not MOBILE_PATTERN.search(body)


def test_withdrawing_the_listing_updates_the_cached_institution_page(inst, client):
    url = f"/public/institutions/{inst.credit_code}/"
    assert inst.listing_decision_number in client.get(url).content.decode()
    assert client.get(url)["X-Public-Cache"] == "hit"
    listing = ListingProposal.objects.get(decision_number=inst.listing_decision_number)
    listing.state = ProposalState.REMOVED
    listing.save()
    assert inst.listing_decision_number not in client.get(url).content.decode()
