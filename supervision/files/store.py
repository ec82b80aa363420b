"""The one private file store: every upload of the portal comes through here.

A service that takes an upload declares the kinds it accepts and writes its owning row inside
``receive``; a view that has checked the owning object serves the file with ``download``::

    with store.receive(upload, accept=store.EVIDENCE, area="rectification", actor=actor,
                       field="evidence_file") as stored:
        ItemResponse.objects.create(..., evidence_path=stored.name, evidence_sha256=stored.sha256)

    return store.download(response.evidence_path)          # after the scope check

* **Type by content, never by the name**: magic bytes first; an image must then decode with
  Pillow (JPEG, PNG, WebP), a PDF start with ``%PDF-``, an xlsx be a zip holding
  ``[Content_Types].xml`` and ``xl/``, a csv be text that decodes (UTF-8 or GB18030, as the
  reconciliation parser reads it) with no NUL byte and no markup. A refusal names the type
  found ("按文件内容检测为 SVG 矢量图"), so staff know what they picked.
* **A size limit per kind** from ``settings.FILE_STORE_LIMITS`` (bytes per class: ``image``,
  ``document``, ``spreadsheet``), checked on the declared size before anything is read and again
  while the upload is written, so an oversized upload never fills the disk.
* **Images are re-encoded** as JPEG: EXIF (GPS position, device), XMP, comments and any trailing
  payload are dropped; the orientation is applied first and transparency put on white.
* **SHA-256** of the bytes kept (for an image, of its re-encoding), with size, detected kind and
  content type, in a ``StoredFile`` row.
* **Generated names** ``<area>/<yyyy>/<mm>/<uuid>.<ext>`` under ``PRIVATE_STORAGE_ROOT``, outside
  every web root (the ``files.E001`` check); the uploader's file name is display metadata only.
* **Downloads** carry the content type detected at upload (never ``text/html``),
  ``X-Content-Type-Options: nosniff``, a sandboxing CSP and ``Content-Disposition: attachment``
  (``inline`` only for images and PDFs a page previews), named ``<original stem>.<detected ext>``
  so that a PDF uploaded as ``cert.html`` is saved as ``cert.pdf``.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import os
import re
import uuid
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import FileResponse, Http404
from django.utils import timezone

from supervision.core.audit import create_audited

from .models import FileKind, StoredFile

MB = 1024 * 1024
IMAGE, PDF, XLSX, CSV = FileKind.IMAGE.value, FileKind.PDF.value, FileKind.XLSX.value, FileKind.CSV.value
# What each upload site accepts.
IMAGES: tuple[str, ...] = (IMAGE,)  # inspection photos
EVIDENCE: tuple[str, ...] = (IMAGE, PDF)  # rectification evidence, registration certificates
SPREADSHEETS: tuple[str, ...] = (XLSX, CSV)  # registration lists

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {IMAGE: "image/jpeg", PDF: "application/pdf", XLSX: XLSX_TYPE, CSV: "text/csv"}
EXTENSIONS = {IMAGE: ".jpg", PDF: ".pdf", XLSX: ".xlsx", CSV: ".csv"}
PREVIEWABLE = {IMAGE, PDF}
# Size limits are set per class of file (settings.FILE_STORE_LIMITS); these are the defaults.
LIMIT_CLASS = {IMAGE: "image", PDF: "document", XLSX: "spreadsheet", CSV: "spreadsheet"}
DEFAULT_LIMITS = {"image": 15 * MB, "document": 20 * MB, "spreadsheet": 50 * MB}

NOUNS = {IMAGE: "图片", PDF: "PDF", XLSX: "Excel（.xlsx）", CSV: "CSV"}
ACCEPTED = {
    IMAGE: "JPEG、PNG 或 WebP 图片",
    PDF: "PDF 文档",
    XLSX: "Excel 工作簿（.xlsx）",
    CSV: "CSV 表格（UTF-8 或 GBK 编码）",
}

IMAGE_FORMATS = {"JPEG", "PNG", "WEBP", "MPO"}  # what Pillow must find in an accepted image
MAX_PIXELS = 40_000_000
MAX_SIDE = 2560
HEAD_BYTES = 256 * 1024  # as much as the reconciliation parser sniffs for the encoding
CHUNK_BYTES = 1 << 20
AREA = re.compile(r"[a-z0-9_-]{1,40}")


@dataclass(frozen=True)
class Detected:
    """What the content of a file is: ``kind`` is one of the store's kinds, or None for
    anything it never keeps; ``label`` names it in Chinese; ``content_type``/``extension`` are
    those of the bytes as they are (an accepted image is re-encoded to JPEG anyway)."""

    kind: str | None
    label: str
    content_type: str = "application/octet-stream"
    extension: str = ".bin"


def _other(label: str) -> Detected:
    return Detected(None, label)


def detect(head: bytes, file: Path | None = None, *, has_nul: bool | None = None) -> Detected:
    """Judge a file by its first bytes (``head``, at least the first 256 KB when there are that
    many); ``file`` lets a zip be opened to tell an xlsx from a docx; ``has_nul`` says whether
    the whole file (not only the head) holds a NUL byte."""
    if not head:
        return _other("空文件")
    found = _by_magic(head, file)
    if found is not None:
        return found
    return _as_text(head, b"\x00" in head if has_nul is None else has_nul)


def _by_magic(head: bytes, file: Path | None) -> Detected | None:
    if head.startswith(b"\xff\xd8\xff"):
        return Detected(IMAGE, "JPEG 图片", "image/jpeg", ".jpg")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Detected(IMAGE, "PNG 图片", "image/png", ".png")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Detected(IMAGE, "WebP 图片", "image/webp", ".webp")
    if head.startswith(b"%PDF-"):
        return Detected(PDF, "PDF 文档", CONTENT_TYPES[PDF], ".pdf")
    if head[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return _zip(file, head)
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"avif", b"avis"):
            return _other("AVIF 图片（请转换为 JPEG 后上传）")
        if brand in (b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1"):
            return _other("HEIC 图片（请在手机相机设置中选择“兼容性最佳”，或转换为 JPEG）")
        return _other("视频文件")
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return _other("旧版 Office 文件（.xls/.doc），请另存为 .xlsx")
    if head[:2] == b"BM" and int.from_bytes(head[14:18], "little") in (12, 40, 52, 56, 64, 108, 124):
        return _other("BMP 图片")
    if head[:2] == b"MZ" and (b"PE\x00\x00" in head[:4096] or b"\x00" in head[:64]):
        return _other("可执行程序（.exe/.dll）")
    labels = {
        b"GIF87a": "GIF 动图",
        b"GIF89a": "GIF 动图",
        b"II*\x00": "TIFF 图片",
        b"MM\x00*": "TIFF 图片",
        b"\x7fELF": "可执行程序（ELF）",
        b"Rar!": "RAR 压缩包",
        b"7z\xbc\xaf": "7z 压缩包",
        b"\x1f\x8b": "gzip 压缩包",
        b"%!PS": "PostScript 文档",
        b"{\\rtf": "RTF 文档",
    }
    for magic, label in labels.items():
        if head.startswith(magic):
            return _other(label)
    return None


def _zip(file: Path | None, head: bytes) -> Detected:
    try:
        with zipfile.ZipFile(file if file is not None else io.BytesIO(head)) as archive:
            names = archive.namelist()
            types = b""
            if "[Content_Types].xml" in names:
                with archive.open("[Content_Types].xml") as fh:
                    types = fh.read(64 * 1024)  # bounded: a bomb under this name cannot expand
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError):
        return _other("损坏的 ZIP 文件")
    if types:
        if any(n.startswith("xl/") for n in names):
            if b"macroEnabled" in types:
                return _other("启用宏的 Excel 工作簿（.xlsm），请另存为 .xlsx")
            return Detected(XLSX, "Excel 工作簿（.xlsx）", XLSX_TYPE, ".xlsx")
        if any(n.startswith("word/") for n in names):
            return _other("Word 文档（.docx）")
        if any(n.startswith("ppt/") for n in names):
            return _other("PowerPoint 演示文稿（.pptx）")
        return _other("Office 文档")
    if "mimetype" in names:
        return _other("OpenDocument 文档（.ods/.odt），请另存为 .xlsx")
    return _other("ZIP 压缩包")


MARKUP = ("<!doctype html", "<html", "<script", "<body", "<head", "<iframe", "<meta", "<object")


def _as_text(head: bytes, has_nul: bool) -> Detected:
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return _other("UTF-16 编码文本（请在 Excel 中另存为“CSV UTF-8”）")
    if has_nul:
        return _other("二进制文件（含 NUL 字节，不是文本）")
    text = _decode(head)
    if text is None:
        return _other("无法识别编码的二进制文件")
    start = text.lstrip("\ufeff \t\r\n").lower()[:4096]
    if start.startswith("<"):
        if "<svg" in start:
            return _other("SVG 矢量图（可含脚本）")
        if any(tag in start for tag in MARKUP):
            return _other("HTML 网页")
        if start.startswith("<?xml"):
            return _other("XML 文档")
        return _other("HTML/XML 标记文本")
    return Detected(CSV, "纯文本（CSV）", CONTENT_TYPES[CSV], ".csv")


def _decode(head: bytes) -> str | None:
    """The head as text in the encodings the reconciliation parser reads (utf-8, else
    gb18030); an incomplete last character is allowed (the head cuts the file anywhere)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return codecs.getincrementaldecoder(encoding)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
    return None


# --- limits and messages -------------------------------------------------------------------


def limit(kind: str) -> int:
    """The size limit of a kind, in bytes (settings.FILE_STORE_LIMITS by class)."""
    limits = getattr(settings, "FILE_STORE_LIMITS", DEFAULT_LIMITS)
    cls = LIMIT_CLASS[kind]
    return int(limits.get(cls, DEFAULT_LIMITS[cls]))


def _mb(size: int) -> str:
    return f"{size / MB:g}"


def _refuse(field: str | None, message: str) -> ValidationError:
    return ValidationError({field: message}) if field else ValidationError(message)


def _too_big(ceiling: int, size: int | None) -> str:
    actual = f"（本文件 {size / MB:.1f} MB）" if size is not None else ""
    return f"文件过大：不能超过 {_mb(ceiling)} MB{actual}。"


def _wrong_type(accept: Iterable[str], label: str) -> str:
    kinds = list(accept)
    nouns = NOUNS[kinds[0]]
    for k in kinds[1:]:  # 图片或 PDF: a space between Chinese and Latin text
        nouns += ("或 " if NOUNS[k][0].isascii() else "或") + NOUNS[k]
    allowed = "；".join(ACCEPTED[k] for k in kinds)
    return f"文件不是有效的{nouns}：按文件内容检测为“{label}”（与文件名无关）。可上传：{allowed}。"


# --- images ----------------------------------------------------------------------------------


class _NotAnImage(Exception):
    pass


def _reencode(data: bytes) -> tuple[bytes, int, int]:
    """Decode an image (a real JPEG, PNG or WebP, whatever its name says) and re-encode it as
    JPEG with no metadata; the orientation is applied first so that a photo still shows
    upright."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            if probe.width * probe.height > MAX_PIXELS:
                raise _NotAnImage(f"像素过大的图片（超过 {MAX_PIXELS // 10_000} 万像素）")
            probe.verify()
        if fmt not in IMAGE_FORMATS:
            raise _NotAnImage(f"{fmt} 图片")
        with Image.open(io.BytesIO(data)) as source:
            upright = ImageOps.exif_transpose(source) or source
            img = _on_white(upright)
            img.thumbnail((MAX_SIDE, MAX_SIDE))
            img.info = {}  # no comment, XMP or ICC text rides along into the new file
            out = io.BytesIO()
            img.save(out, format="JPEG", quality=85, optimize=True)
            return out.getvalue(), img.width, img.height
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise _NotAnImage("损坏或无法解码的图片") from exc


def _on_white(img: Any) -> Any:
    from PIL import Image

    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return img.convert("RGB")


# --- storing ---------------------------------------------------------------------------------


def root() -> Path:
    return Path(settings.PRIVATE_STORAGE_ROOT)


def path(ref: StoredFile | str) -> Path:
    """The file on disk of a stored name (or row); a name that leaves the private root is
    refused."""
    name = ref.name if isinstance(ref, StoredFile) else str(ref)
    base = root().resolve()
    target = (base / name).resolve()
    if base not in target.parents:
        raise ValidationError("文件路径无效。")
    return target


def _display_name(raw: Any) -> str:
    """The uploader's file name without any directory part or control character, for display."""
    name = re.split(r"[\\/]", str(raw or ""))[-1]
    return "".join(c for c in name if c.isprintable())[:200]


def _as_file(upload: Any, name: str) -> File:
    if isinstance(upload, bytes | bytearray):
        return ContentFile(bytes(upload), name=name or "upload")
    if not isinstance(upload, File):
        return File(upload, name=name or getattr(upload, "name", "") or "upload")
    if name and not upload.name:
        upload.name = name
    return upload


def _declared_size(upload: File) -> int | None:
    try:
        return int(upload.size)
    except (AttributeError, TypeError, ValueError, OSError):
        return None


def _chunks(upload: File) -> Iterator[bytes]:
    if hasattr(upload, "chunks"):
        yield from upload.chunks(CHUNK_BYTES)
    else:  # pragma: no cover - every File has chunks(); kept for duck-typed streams
        yield from iter(lambda: upload.read(CHUNK_BYTES), b"")


def _write(upload: File, target: Path, ceiling: int, field: str | None) -> tuple[int, str, bytes, bool]:
    """Stream the upload to ``target``: its size, SHA-256, head and whether it holds a NUL."""
    digest = hashlib.sha256()
    size, head, nul = 0, b"", False
    with open(target, "xb") as out:
        for chunk in _chunks(upload):
            size += len(chunk)
            if size > ceiling:
                raise _refuse(field, _too_big(ceiling, None))
            if len(head) < HEAD_BYTES:
                head += chunk[: HEAD_BYTES - len(head)]
            nul = nul or b"\x00" in chunk
            digest.update(chunk)
            out.write(chunk)
    return size, digest.hexdigest(), head, nul


def store(
    upload: Any,
    *,
    accept: Iterable[str],
    area: str,
    actor: Any = None,
    field: str | None = None,
    name: str = "",
) -> StoredFile:
    """Check an upload (a Django ``File``/``UploadedFile``, a file object or bytes; ``name`` is
    the uploader's file name when bytes are given) and keep it: refused with a Chinese
    ValidationError (keyed by ``field`` when given) unless its content is one of ``accept``
    within that kind's size limit. ``area`` is the folder of the upload site. The caller has
    already asked the policy; the store decides only what the file is."""
    kinds = tuple(accept)
    if not AREA.fullmatch(area):
        raise ValueError(f"invalid storage area {area!r}")
    upload = _as_file(upload, name)
    ceiling = max(limit(k) for k in kinds)
    declared = _declared_size(upload)
    if declared is not None and declared > ceiling:
        raise _refuse(field, _too_big(ceiling, declared))
    incoming = root() / ".incoming" / uuid.uuid4().hex
    incoming.parent.mkdir(parents=True, exist_ok=True)
    final: Path | None = None
    try:
        size, sha256, head, nul = _write(upload, incoming, ceiling, field)
        found = detect(head, incoming, has_nul=nul)
        if found.kind not in kinds:
            raise _refuse(field, _wrong_type(kinds, found.label))
        kind = found.kind
        assert kind is not None
        if size > limit(kind):
            label, most = FileKind(kind).label, _mb(limit(kind))
            raise _refuse(field, f"{label}不能超过 {most} MB（本文件 {size / MB:.1f} MB）。")
        width = height = 0
        if kind == IMAGE:
            try:
                data, width, height = _reencode(incoming.read_bytes())
            except _NotAnImage as exc:
                raise _refuse(field, _wrong_type(kinds, str(exc))) from exc
            incoming.write_bytes(data)
            size, sha256 = len(data), hashlib.sha256(data).hexdigest()
        stored_name = f"{area}/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}{EXTENSIONS[kind]}"
        final = root() / stored_name
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(incoming, final)
        record = StoredFile(
            name=stored_name,
            kind=kind,
            content_type=CONTENT_TYPES[kind],
            size=size,
            sha256=sha256,
            original_name=_display_name(upload.name),
            width=width,
            height=height,
            uploaded_by=actor if getattr(actor, "pk", None) else None,
        )
        return create_audited(record, actor, "store")
    except BaseException:
        if final is not None:
            final.unlink(missing_ok=True)
        raise
    finally:
        incoming.unlink(missing_ok=True)


@contextmanager
def receive(upload: Any, **options: Any) -> Iterator[StoredFile | None]:
    """``store`` (same options) for a service that writes its owning row in the block: yields
    the stored file (None when there is no upload) and deletes it again when the block fails,
    so that a refused or failed write leaves no file behind. (A transaction of the caller's that
    rolls back after the block has ended would leave the file without a row; services write in
    the block.)"""
    if not upload:
        yield None
        return
    with transaction.atomic():
        stored = store(upload, **options)
        try:
            yield stored
        except BaseException:
            path(stored).unlink(missing_ok=True)
            raise


# --- downloading -----------------------------------------------------------------------------


def download(ref: StoredFile | str, *, filename: str = "", inline: bool = False) -> FileResponse:
    """The response for a stored file. Call it only after checking that the user may see the
    owning object. ``inline`` is honoured for images and PDFs only (a page that previews them);
    a file kept before the store (no row) is judged by its content, and served as an
    octet-stream attachment unless it is one of the store's kinds."""
    record = ref if isinstance(ref, StoredFile) else StoredFile.objects.filter(name=str(ref)).first()
    try:
        target = path(record if record is not None else str(ref))
    except ValidationError as exc:
        raise Http404("未找到文件") from exc
    if not target.is_file():
        raise Http404("未找到文件")
    kind: str | None
    if record is not None:
        kind, content_type, extension = record.kind, record.content_type, EXTENSIONS[record.kind]
        display = filename or record.original_name
    else:
        with target.open("rb") as fh:
            head = fh.read(HEAD_BYTES)
        found = detect(head, target)
        kind, content_type, extension = found.kind, found.content_type, found.extension
        display = filename or target.name
    inline = inline and kind in PREVIEWABLE
    stem = Path(_display_name(display)).stem or "file"
    response = FileResponse(
        target.open("rb"), content_type=content_type, as_attachment=not inline, filename=stem + extension
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    if not (inline and kind == PDF):  # a browser's PDF viewer does not run in a sandbox
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    if record is not None:
        response["X-Content-SHA256"] = record.sha256
    return response
