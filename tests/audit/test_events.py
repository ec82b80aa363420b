"""Entries written from the response: document downloads and partner-department API calls."""

from __future__ import annotations

import pytest

from supervision.core.models import SecurityEvent

pytestmark = pytest.mark.django_db


def test_a_document_download_is_an_audit_entry(client_for, world, home):
    from supervision.documents.services import document_store

    doc = document_store(
        kind="test", title="测试", pdf=b"%PDF-1.7 x", department=world.mz, region=world.yanggu, subject=home
    )
    c = client_for(world.yanggu_mz)
    assert c.get(f"/documents/{doc.pk}/download/", REMOTE_ADDR="10.3.3.3").status_code == 200
    # the document view records it itself (导出 "document N"); the middleware does not add a second
    (event,) = SecurityEvent.objects.filter(kind__in=[SecurityEvent.Kind.DOWNLOAD, SecurityEvent.Kind.EXPORT])
    assert event.user == world.yanggu_mz and event.ip_address == "10.3.3.3"
    assert f"document {doc.pk}" in event.detail
    # a refused download is not a download
    client_for(world.dongchangfu_mz).get(f"/documents/{doc.pk}/download/")
    assert SecurityEvent.objects.filter(kind__in=["download", "export"]).count() == 1


def test_any_attachment_sent_to_a_signed_in_user_is_a_download(client_for, world, home):
    """A download view that records nothing itself (a Word draft, an evidence file) is still on
    the trail: the middleware records every attachment and PDF sent to a signed-in user."""
    from django.http import HttpResponse
    from django.test import RequestFactory

    from supervision.audit.context import AuditMiddleware

    request = RequestFactory().get("/inspections/evidence/7/", REMOTE_ADDR="10.4.4.4")
    request.user = world.yanggu_mz

    def view(req):
        response = HttpResponse(b"JPEG", content_type="image/jpeg")
        response["Content-Disposition"] = 'attachment; filename="photo.jpg"'
        return response

    AuditMiddleware(view)(request)
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.DOWNLOAD)
    assert event.user == world.yanggu_mz and "/inspections/evidence/7/" in event.detail
    assert event.ip_address == "10.4.4.4"


def test_an_export_is_recorded_once(client_for, world):
    c = client_for(world.yanggu_mz)
    assert c.get("/institutions/?export=xlsx").status_code == 200
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT).count() == 1
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.DOWNLOAD).exists()


def test_every_partner_department_api_call_is_an_audit_entry(api_for, world):
    assert api_for(world.yanggu_xf).get("/api/v1/complaints/").status_code == 200
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.API_CALL)
    assert event.user == world.yanggu_xf and event.detail == "GET /api/v1/complaints/ → 200"
    api_for(world.yanggu_xf).get("/api/v1/complaints/999999/")
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.API_CALL, detail__endswith="→ 404").exists()
    # civil affairs is the lead department, not a partner: its calls are not partner calls
    api_for(world.yanggu_mz).get("/api/v1/complaints/")
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.API_CALL, user=world.yanggu_mz).exists()
