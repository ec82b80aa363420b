"""Rectification evidence goes through the private file store: an SVG or HTML page named .jpg
or .pdf is refused by its content, images lose their EXIF/GPS, the stored bytes' SHA-256 is
recorded, and the download is an attachment with the detected type and nosniff."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from inspections.rectification import services
from inspections.rectification.models import ItemResponse
from tests.uploads import GPS_IFD, HTML, SVG, exif_of, jpeg_with_gps, pdf, stored_files, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(site, issued):
    return issued(site.duty).items.get()


def respond_page(c, item, name: str, data: bytes):
    return c.post(
        f"/inspections/rectification/items/{item.pk}/respond/",
        {
            "action_taken": "已补齐夜间值班记录",
            "evidence_text": "值班表照片",
            "evidence_file": upload(name, data, "image/jpeg"),
            "responded_on": "2026-10-09",
        },
    )


@pytest.mark.parametrize(
    ("name", "data", "detected"),
    [("photo.jpg", SVG, "SVG"), ("report.pdf", HTML, "HTML"), ("photo.jpg", HTML, "HTML")],
)
def test_forged_evidence_is_refused_by_content(world, item, client_for, name, data, detected):
    response = respond_page(client_for(world.yanggu_mz), item, name, data)
    page = response.content.decode()
    assert response.status_code == 400 and detected in page and "图片或 PDF" in page
    assert not ItemResponse.objects.exists() and not stored_files().exists()


def test_oversized_evidence_is_refused_with_the_limit(world, item):
    with pytest.raises(Exception, match="不能超过 20 MB"):
        services.item_respond(
            item,
            actor=world.yanggu_mz,
            action_taken="已整改",
            evidence_name="scan.pdf",
            evidence_data=pdf(padding=20 * 1024 * 1024),
            on=dt.date(2026, 10, 9),
        )
    assert not ItemResponse.objects.exists()


def test_evidence_photo_loses_gps_and_keeps_its_hash(world, item, client_for, private_root):
    response = respond_page(client_for(world.yanggu_mz), item, "值班表.jpg", jpeg_with_gps())
    assert response.status_code == 302
    answer = ItemResponse.objects.get()
    data = services.evidence_path(answer).read_bytes()
    assert GPS_IFD not in exif_of(data) and b"SecretCam" not in data
    assert answer.evidence_sha256 == hashlib.sha256(data).hexdigest()
    assert answer.evidence_name == "值班表.jpg" and "值班表" not in answer.evidence_path
    assert stored_files().get(name=answer.evidence_path).sha256 == answer.evidence_sha256


def test_evidence_download_is_an_attachment_of_the_detected_type(world, item, client_for):
    respond_page(client_for(world.yanggu_mz), item, "report.html", pdf())
    answer = ItemResponse.objects.get()
    url = f"/inspections/rectification/responses/{answer.pk}/evidence/"
    ok = client_for(world.yanggu_mz).get(url)
    assert ok.status_code == 200
    assert ok["Content-Type"] == "application/pdf" and ok["X-Content-Type-Options"] == "nosniff"
    assert ok["Content-Disposition"].startswith("attachment") and ".html" not in ok["Content-Disposition"]
    assert b"".join(ok.streaming_content).startswith(b"%PDF-")
    assert client_for(world.dongchangfu_mz).get(url).status_code == 404
