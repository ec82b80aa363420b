"""Inspection photos go through the private file store: type by content with the detected type
named, the store's size limit, EXIF/GPS stripped, SHA-256 of the stored bytes, nosniff."""

from __future__ import annotations

import hashlib

import pytest

from inspections import services
from tests.uploads import GPS_IFD, HTML, SVG, exif_of, jpeg_with_gps, stored_files, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def inspection(field, world):
    return services.inspection_create(
        field.homes[0], actor=world.yanggu_mz, kind="special", team=field.inspectors[:2]
    )


def post_photo(c, inspection, name: str, data: bytes):
    return c.post(
        f"/inspections/{inspection.pk}/evidence/",
        {"photo": upload(name, data, "image/jpeg"), "caption": "现场"},
        follow=True,
    )


@pytest.mark.parametrize(("name", "data", "detected"), [("x.jpg", SVG, "SVG"), ("x.jpg", HTML, "HTML")])
def test_forged_photo_is_refused_naming_the_detected_type(
    inspection, world, client_for, name, data, detected
):
    page = post_photo(client_for(world.yanggu_mz), inspection, name, data).content.decode()
    assert "不是有效的图片" in page and detected in page
    assert not inspection.evidence.exists() and not stored_files().exists()


def test_oversized_photo_is_refused_with_the_limit(inspection, world, client_for, settings):
    settings.FILE_STORE_LIMITS = {**settings.FILE_STORE_LIMITS, "image": 1024 * 1024}
    big = jpeg_with_gps() + b"\0" * (1024 * 1024)
    page = post_photo(client_for(world.yanggu_mz), inspection, "big.jpg", big).content.decode()
    assert "不能超过 1 MB" in page
    assert not inspection.evidence.exists()


def test_photo_is_stored_without_gps_under_a_generated_name_with_its_hash(inspection, world, private_root):
    evidence = services.evidence_add(inspection, jpeg_with_gps(), actor=world.yanggu_mz, caption="通道")
    stored = services.evidence_path(evidence)
    data = stored.read_bytes()
    assert private_root.resolve() in stored.parents
    exif = exif_of(data)
    assert GPS_IFD not in exif and not exif.get_ifd(GPS_IFD) and b"SecretCam" not in data
    assert evidence.sha256 == hashlib.sha256(data).hexdigest()
    record = stored_files().get(name=evidence.path)
    assert record.sha256 == evidence.sha256 and record.size == len(data) == evidence.size
    assert record.content_type == "image/jpeg"


def test_photo_download_is_nosniff_and_scoped(inspection, world, client_for):
    evidence = services.evidence_add(inspection, jpeg_with_gps(), actor=world.yanggu_mz)
    url = f"/inspections/evidence/{evidence.pk}/"
    ok = client_for(world.yanggu_mz).get(url)
    assert ok.status_code == 200
    assert ok["X-Content-Type-Options"] == "nosniff" and ok["Content-Type"] == "image/jpeg"
    assert client_for(world.dongchangfu_mz).get(url).status_code == 404
