"""The one private file store (``supervision.files``): type by content never by name, a size
limit per kind, EXIF/GPS stripped from images, SHA-256 of the stored bytes, generated names
under PRIVATE_STORAGE_ROOT, downloads with nosniff and the detected type, and nothing served
under /media/."""

from __future__ import annotations

import hashlib
import importlib.util
import io
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver
from PIL import Image

from supervision.files import store
from supervision.files.models import StoredFile
from tests.uploads import GPS_IFD, HTML, SVG, exif_of, jpeg_with_gps, pdf, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    return settings.PRIVATE_STORAGE_ROOT


def keep(data: bytes, name: str, accept, actor=None) -> StoredFile:
    return store.store(ContentFile(data, name=name), accept=accept, area="test", actor=actor)


@pytest.mark.parametrize(
    ("data", "name", "accept", "detected"),
    [
        (SVG, "photo.jpg", store.IMAGES, "SVG"),
        (HTML, "photo.jpg", store.IMAGES, "HTML"),
        (HTML, "scan.pdf", store.EVIDENCE, "HTML"),
        (SVG, "scan.pdf", store.EVIDENCE, "SVG"),
        (pdf(), "photo.jpg", store.IMAGES, "PDF"),
        (HTML, "list.csv", store.SPREADSHEETS, "HTML"),
        (b"MZ\x90\x00\x03" + b"\x00" * 60, "list.xlsx", store.SPREADSHEETS, "可执行程序"),
        (b"a,b\n1,\x002\n", "list.csv", store.SPREADSHEETS, "二进制"),
    ],
)
def test_type_is_judged_by_content_and_refused_naming_what_was_found(data, name, accept, detected):
    with pytest.raises(ValidationError) as caught:
        keep(data, name, accept)
    assert detected in caught.value.messages[0] and "按文件内容" in caught.value.messages[0]
    assert not StoredFile.objects.exists()
    assert not any(p.is_file() for p in store.root().rglob("*")) if store.root().exists() else True


@pytest.mark.parametrize(
    ("data", "name", "accept", "kind", "content_type"),
    [
        (jpeg_with_gps(), "x.bin", store.IMAGES, "image", "image/jpeg"),
        (pdf(), "scan.jpg", store.EVIDENCE, "pdf", "application/pdf"),
        (xlsx([["a", "b"]]), "list.csv", store.SPREADSHEETS, "xlsx", store.XLSX_TYPE),
        ("代码,名称\n1,福寿\n".encode("gb18030"), "list.xlsx", store.SPREADSHEETS, "csv", "text/csv"),
    ],
)
def test_accepted_kind_comes_from_content_whatever_the_name(data, name, accept, kind, content_type):
    record = keep(data, name, accept)
    assert (record.kind, record.content_type) == (kind, content_type)
    assert record.original_name == name and name not in record.name
    assert record.name.endswith(store.EXTENSIONS[kind])


def test_size_limit_per_kind_from_settings(settings):
    settings.FILE_STORE_LIMITS = {"image": 1024 * 1024, "document": 2 * 1024 * 1024, "spreadsheet": 1024}
    with pytest.raises(ValidationError, match=r"不能超过 2 MB（本文件 3.0 MB）"):  # refused before it is read
        keep(pdf(padding=3 * 1024 * 1024), "a.pdf", store.EVIDENCE)
    with pytest.raises(ValidationError, match=r"图片不能超过 1 MB"):  # within 2 MB, but an image
        keep(jpeg_with_gps() + b"\0" * 1536 * 1024, "a.pdf", store.EVIDENCE)
    with pytest.raises(ValidationError, match=r"不能超过 1 MB"):
        keep(jpeg_with_gps() + b"\0" * 2 * 1024 * 1024, "a.jpg", store.IMAGES)
    assert keep(pdf(padding=1024 * 1024), "a.pdf", store.EVIDENCE).kind == "pdf"
    assert not StoredFile.objects.filter(kind="image").exists()


def test_default_limits_are_documented_sizes():
    from django.conf import settings

    mb = 1024 * 1024
    assert {"image": 15 * mb, "document": 20 * mb, "spreadsheet": 50 * mb} == settings.FILE_STORE_LIMITS


def test_images_lose_exif_and_gps_and_the_hash_is_of_the_stored_bytes():
    raw = jpeg_with_gps()
    record = keep(raw, "现场.jpg", store.IMAGES)
    data = store.path(record).read_bytes()
    exif = exif_of(data)
    assert GPS_IFD not in exif and not exif.get_ifd(GPS_IFD) and b"SecretCam" not in data
    assert record.sha256 == hashlib.sha256(data).hexdigest() != hashlib.sha256(raw).hexdigest()
    assert record.size == len(data) and (record.width, record.height) == (64, 48)


def test_png_with_transparency_is_kept_readable():
    img = Image.new("RGBA", (64, 64), (0, 0, 0, 0))  # transparent black
    img.paste((0, 0, 0, 255), (40, 40, 60, 60))
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    record = keep(buf.getvalue(), "scan.png", store.EVIDENCE)
    with Image.open(store.path(record)) as out:
        assert out.format == "JPEG" and out.getpixel((4, 4)) == (255, 255, 255)
        assert out.getpixel((50, 50))[0] < 30  # the drawing survives, on white not on black


def test_files_live_under_private_root_with_generated_names(private_root, world):
    record = keep(pdf(), "../../etc/passwd.pdf", store.EVIDENCE, actor=world.yanggu_mz)
    path = store.path(record)
    assert private_root.resolve() in path.parents and "passwd" not in record.name
    assert record.uploaded_by == world.yanggu_mz and record.original_name == "passwd.pdf"
    with pytest.raises(ValidationError):
        store.path("../outside.pdf")


def test_a_failed_write_after_storing_leaves_no_file():
    with (
        pytest.raises(RuntimeError),
        store.receive(ContentFile(pdf(), name="a.pdf"), accept=store.EVIDENCE, area="t"),
    ):
        raise RuntimeError("the owning row could not be written")
    assert not StoredFile.objects.exists()
    assert not any(p.is_file() for p in store.root().rglob("*"))


def test_download_sets_nosniff_attachment_and_the_detected_type():
    record = keep(pdf(), "report.html", store.EVIDENCE)
    response = store.download(record)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert "report.pdf" in response["Content-Disposition"] and ".html" not in response["Content-Disposition"]
    inline = store.download(keep(jpeg_with_gps(), "a.jpg", store.IMAGES), inline=True)
    assert inline["Content-Disposition"].startswith("inline") and inline["Content-Type"] == "image/jpeg"


def test_download_of_a_file_kept_before_the_store_never_says_html():
    """A legacy file (no StoredFile row, e.g. rectification evidence kept as uploaded) is sniffed
    by the store: an SVG kept under a .jpg name goes out as an octet-stream attachment."""
    legacy = store.root() / "rectification" / "1" / "old.jpg"
    legacy.parent.mkdir(parents=True)
    legacy.write_bytes(SVG)
    response = store.download("rectification/1/old.jpg", inline=True)
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def _media_routes(patterns) -> list[str]:
    from django.views.static import serve

    found = []
    for p in patterns:
        if isinstance(p, URLResolver):
            found += _media_routes(p.url_patterns)
        elif isinstance(p, URLPattern) and getattr(p.callback, "__wrapped__", p.callback) is serve:
            found.append(str(p.pattern))
    return found


def test_media_is_not_served_even_with_debug(settings, tmp_path, client, world):
    """``make run`` has DEBUG on: the URL map built then must not serve MEDIA_ROOT."""
    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path / "media"
    cert = settings.MEDIA_ROOT / "filings" / "2026" / "cert.html"
    cert.parent.mkdir(parents=True)
    cert.write_bytes(HTML)
    name = "debug_urls_probe"
    spec = importlib.util.spec_from_file_location(name, Path(__import__("supervision.urls").urls.__file__))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
        assert _media_routes(module.urlpatterns) == []
        settings.ROOT_URLCONF = name
        assert client.get("/media/filings/2026/cert.html").status_code == 404
        client.force_login(world.yanggu_mz)
        assert client.get("/media/filings/2026/cert.html").status_code == 404
    finally:
        sys.modules.pop(name, None)


def test_private_root_inside_a_web_root_is_a_deployment_error(settings, tmp_path):
    from supervision.files.checks import private_root_outside_web_roots

    settings.STATIC_ROOT = tmp_path / "staticfiles"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    assert private_root_outside_web_roots() == []
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "media" / "private"
    assert [e.id for e in private_root_outside_web_roots()] == ["files.E001"]
