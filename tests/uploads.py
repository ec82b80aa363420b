"""Sample uploads for the file-store tests: real files of each kind, and the forgeries the
store must refuse whatever their names say (an SVG or an HTML page named .jpg or .pdf)."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

SVG = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.cookie)</script></svg>"
)
HTML = b"<!DOCTYPE html><html><body><script>fetch('/api/v1/')</script></body></html>"
GPS_IFD = 0x8825
MAKE = 0x010F


def jpeg_with_gps(size: tuple[int, int] = (64, 48)) -> bytes:
    """A JPEG whose EXIF names the camera and carries a GPS position."""
    img = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[MAKE] = "SecretCam"
    exif[GPS_IFD] = {1: "N", 2: (36.0, 7.0, 0.0), 3: "E", 4: (115.0, 47.0, 0.0)}
    buf = io.BytesIO()
    img.save(buf, format="JPEG", exif=exif.tobytes())
    data = buf.getvalue()
    assert GPS_IFD in Image.open(io.BytesIO(data)).getexif()  # the sample really carries GPS
    return data


def pdf(padding: int = 0) -> bytes:
    """A minimal one-page PDF; ``padding`` bytes of comment make it as large as a test needs."""
    body = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    )
    if padding:
        body += b"%" + b"0" * padding + b"\n"
    return body + b"trailer<</Root 1 0 R>>\n%%EOF\n"


def xlsx(rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    """What the browser sends: the name and the declared type are the uploader's to choose."""
    return SimpleUploadedFile(name, data, content_type)


def exif_of(data: bytes) -> Image.Exif:
    with Image.open(io.BytesIO(data)) as img:
        return img.getexif()


def stored_files():
    """The store's table (imported late, so that a site's test fails on its behaviour, not on
    the import, where the store is missing)."""
    from supervision.files.models import StoredFile

    return StoredFile.objects
