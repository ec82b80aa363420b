"""The filing's registration certificate goes through the private file store: type by content
(images or PDF), the document size limit, EXIF/GPS stripped, kept outside MEDIA_ROOT under a
generated name, downloaded only through the scoped view as an attachment with nosniff."""

from __future__ import annotations

import hashlib

import pytest

from institutions.models import Filing
from tests.uploads import GPS_IFD, HTML, SVG, exif_of, jpeg_with_gps, pdf, stored_files, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def storage_roots(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings


def file_page(c, home, name: str, data: bytes):
    return c.post(
        f"/institutions/{home.pk}/filing/",
        {
            "submitted_on": "2026-09-28",
            "applicant": "张三",
            "certificate_number": "民证字第 8 号",
            "certificate_file": upload(name, data, "application/pdf"),
            "commitment_text": "本机构承诺……",
            "note": "",
        },
    )


@pytest.mark.parametrize(
    ("name", "data", "detected"),
    [("cert.pdf", HTML, "HTML"), ("cert.jpg", SVG, "SVG"), ("cert.html", HTML, "HTML")],
)
def test_forged_certificate_is_refused_by_content(world, yanggu_home, client_for, name, data, detected):
    response = file_page(client_for(world.yanggu_mz), yanggu_home, name, data)
    page = response.content.decode()
    assert response.status_code == 200 and detected in page and "图片或 PDF" in page
    assert not Filing.objects.exists() and not stored_files().exists()


def test_oversized_certificate_is_refused_with_the_limit(world, yanggu_home, client_for):
    response = file_page(client_for(world.yanggu_mz), yanggu_home, "cert.pdf", pdf(padding=21 * 1024 * 1024))
    assert "不能超过 20 MB" in response.content.decode()
    assert not Filing.objects.exists()


def test_certificate_is_private_renamed_and_hashed(world, yanggu_home, client_for, storage_roots, tmp_path):
    response = file_page(client_for(world.yanggu_mz), yanggu_home, "营业执照.jpg", jpeg_with_gps())
    assert response.status_code == 302
    filing = Filing.objects.get()
    from supervision.files import store

    record = stored_files().get(name=filing.certificate_file)
    path = store.path(record)
    data = path.read_bytes()
    assert (tmp_path / "private").resolve() in path.parents
    assert not (tmp_path / "media").exists() or not any((tmp_path / "media").rglob("*.*"))
    assert "营业执照" not in record.name and record.original_name == "营业执照.jpg"
    assert GPS_IFD not in exif_of(data) and record.sha256 == hashlib.sha256(data).hexdigest()


def test_certificate_download_is_scoped_attachment_never_html(world, yanggu_home, client_for):
    file_page(client_for(world.yanggu_mz), yanggu_home, "cert.html", pdf())
    filing = Filing.objects.get()
    url = f"/institutions/filings/{filing.pk}/certificate/"
    ok = client_for(world.yanggu_mz).get(url)
    assert ok.status_code == 200
    assert ok["Content-Type"] == "application/pdf" and ok["X-Content-Type-Options"] == "nosniff"
    assert ok["Content-Disposition"].startswith("attachment") and ".html" not in ok["Content-Disposition"]
    assert client_for(world.dongchangfu_mz).get(url).status_code == 404
    page = client_for(world.yanggu_mz).get(f"/institutions/{yanggu_home.pk}/").content.decode()
    assert url in page
