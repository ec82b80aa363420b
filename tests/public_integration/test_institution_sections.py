"""The public institution page carries what the higher floors published about it: inspection
results, rectification outcomes, penalties and list status — and nothing unpublished."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from credit.public import public_entries
from inspections.models import Inspection, InspectionStatus
from inspections.rectification.models import Penalty
from institutions.models import Institution
from institutions.public import PUBLIC_DETAIL_STATUSES
from supervision.publicity.masking import ID_PATTERN, MOBILE_PATTERN

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_module, db):
    """The demo, seeded once for the module (``demo_module``); each test rolls back its writes."""


def page(client, inst: Institution) -> str:
    response = client.get(f"/public/institutions/{inst.credit_code}/")
    assert response.status_code == 200
    return response.content.decode()


def test_listed_institution_shows_its_list_status(demo, client):
    entry = public_entries().select_related("institution").first()
    assert entry is not None, "the demo data publishes one listing"
    body = page(client, entry.institution)
    assert "信用状况" in body and entry.decision_number in body and entry.get_list_type_display() in body


def test_published_penalty_shows_and_unpublished_does_not(demo, client):
    published = Penalty.objects.filter(published_on__isnull=False).select_related("institution").first()
    assert published is not None, "the demo data publishes one penalty"
    # The demo's penalty goes to whichever institution its draw found a problem in, which may be
    # an unregistered one (no public page): give it to one that has a page.
    if published.institution.status not in PUBLIC_DETAIL_STATUSES or not published.institution.credit_code:
        published.institution = Institution.objects.filter(
            status__in=PUBLIC_DETAIL_STATUSES, credit_code__isnull=False
        ).first()
        published.save(update_fields=["institution"])
    hidden = Penalty.objects.create(
        institution=published.institution,
        department=published.department,
        region=published.region,
        decision_number="阳民罚〔2026〕999号",
        kind="warning",
        facts="未公开的处罚",
        legal_basis="《养老机构管理办法》第四十六条",
        decided_on=dt.date(2026, 11, 20),
    )
    body = page(client, published.institution)
    assert published.decision_number in body
    assert hidden.decision_number not in body


def test_published_inspection_result_shows(demo, client):
    inspection = (
        Inspection.objects.filter(
            status__in=[InspectionStatus.CLOSED, InspectionStatus.PUBLISHED],
            institution__credit_code__isnull=False,
        )
        .filter(institution__status__in=PUBLIC_DETAIL_STATUSES)
        .select_related("institution")
        .order_by("pk")
        .first()
    )
    assert inspection is not None, "the demo data has a closed or published inspection"
    Inspection.objects.filter(pk=inspection.pk).update(
        status=InspectionStatus.PUBLISHED,
        inspected_on=dt.date(2026, 11, 2),
        public_summary="消防通道畅通",
        published_until=timezone.localdate() + dt.timedelta(days=365),
    )
    assert "消防通道畅通" in page(client, inspection.institution)


def test_sections_never_leak_personal_numbers(demo, client):
    shown = 0
    for inst in Institution.objects.exclude(credit_code=None)[:30]:
        response = client.get(f"/public/institutions/{inst.credit_code}/")
        if response.status_code == 404:  # not operating: no public page
            continue
        body = response.content.decode()
        shown += 1
        assert not ID_PATTERN.search(body), inst.credit_code
        assert not MOBILE_PATTERN.search(body), inst.credit_code
    assert shown >= 10
