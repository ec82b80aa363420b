"""Official documents: number allocation, PDF rendering and storage.

    number = document_allocate_number(kind="rectification", kind_short="整改",
                                      department=dept, region=county, year=2026)
    pdf = render_pdf("documents/rectification_notice.html", context)
    doc = document_store(kind=..., number=number, title=..., subject=notice, pdf=pdf, ...)

Rendering uses WeasyPrint; templates extend ``documents/base.html`` which sets an A4 page and a
CJK font stack on ``html`` (page-number boxes inherit from it). A glyph missing from every
installed font makes WeasyPrint log ``.notdef``; ``render_pdf`` turns that into an error so a
document with empty boxes is never issued.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.template.loader import render_to_string

from supervision.core.models import Department, Region, User

from .models import DocumentCounter, OfficialDocument


class MissingGlyphError(RuntimeError):
    """A character could not be rendered with any installed font (empty box in the PDF)."""


class _NotdefCatcher(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if "notdef" in message.lower() or "no glyph" in message.lower():
            self.messages.append(message)


def region_short_name(region: Region) -> str:
    """阳谷县 → 阳, 南开区 → 南开? Use the first character, as in 阳民整改〔2026〕12号."""
    return region.name[:1]


def issuer_context(department: Department, region: Region, *, user: Any = None) -> dict[str, Any]:
    """Who issues a document: the official name of the body (阳谷县民政局, from the region's
    department titles, fallback region + department name) and the 附注 contact (the issuing
    staff member when the account has a phone, else the body's configured contact)."""
    from supervision.core.department_titles import department_title

    title = department_title(department, region)
    person = getattr(user, "display_name", "") or getattr(user, "username", "") if user else ""
    phone = getattr(user, "phone", "") if user else ""
    if not phone and title.contact_person:
        person, phone = title.contact_person, title.contact_phone
    elif not phone:
        phone = title.contact_phone
    return {
        "issuer": title.name,
        "issuer_address": title.address,
        "contact": {"name": person, "phone": phone},
    }


@transaction.atomic
def document_allocate_number(
    *, kind: str, kind_short: str, department: Department, region: Region, year: int
) -> str:
    """Allocate the next number for (kind, department, region, year): gapless and unique under
    concurrency (the counter row is locked with SELECT … FOR UPDATE). Called inside the issuing
    transaction, so a failure after allocation rolls the number back.

    The pattern is the counter row's (editable in the admin, or set ahead with
    ``document_set_pattern``); a new year's counter inherits the pattern of the same series'
    latest year, so a configured pattern survives the turn of the year."""
    key = {"kind": kind, "department": department, "region": region, "year": year}
    if not DocumentCounter.objects.filter(**key).exists():
        previous = (
            DocumentCounter.objects.filter(kind=kind, department=department, region=region, year__lt=year)
            .order_by("-year")
            .values_list("pattern", flat=True)
            .first()
        )
        DocumentCounter.objects.get_or_create(**key, defaults={"pattern": previous} if previous else {})
    counter = DocumentCounter.objects.select_for_update().get(**key)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    # The body's configured 机关代字 (阳民, 阳消) stands for region + department short names.
    from supervision.core.department_titles import DepartmentTitle

    abbreviation = (
        DepartmentTitle.objects.filter(department=department, region=region)
        .values_list("abbreviation", flat=True)
        .first()
    )
    region_short = abbreviation or region_short_name(region)
    dept_short = "" if abbreviation else (department.short_name or department.name[:1])
    return counter.pattern.format(
        region_short=region_short,
        dept_short=dept_short,
        kind_short=kind_short,
        year=year,
        number=counter.last_number,
    )


def document_set_pattern(
    *, kind: str, department: Department, region: Region, year: int, pattern: str, actor: Any = None
) -> DocumentCounter:
    """Configure the number pattern of one series for ``year`` (and, by inheritance, for the
    years after it). Numbers already issued keep the text they were issued with."""
    from .models import check_pattern

    check_pattern(pattern)
    with transaction.atomic():
        counter, _created = DocumentCounter.objects.get_or_create(
            kind=kind, department=department, region=region, year=year
        )
        counter = DocumentCounter.objects.select_for_update().get(pk=counter.pk)
        if counter.pattern != pattern:
            before = counter.pattern
            counter.pattern = pattern
            counter.save(update_fields=["pattern"])
            from supervision.core.audit import audit

            audit(counter, actor, "set_pattern", {"pattern": (before, pattern)})
    return counter


def render_html(template_name: str, context: dict[str, Any]) -> str:
    return render_to_string(template_name, context)


def html_to_pdf(html: str, base_url: str | None = None) -> bytes:
    """Render a final HTML string to PDF bytes, refusing output with missing glyphs."""
    from django.conf import settings
    from weasyprint import HTML

    catcher = _NotdefCatcher()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(catcher)
    try:
        pdf = HTML(string=html, base_url=base_url or str(settings.BASE_DIR)).write_pdf()
    finally:
        logger.removeHandler(catcher)
    if catcher.messages:
        raise MissingGlyphError(
            "公文中有无法显示的字符，请安装中文字体（fonts-noto-cjk）：" + catcher.messages[0]
        )
    return pdf


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    return html_to_pdf(render_html(template_name, context))


def render_document(template_name: str, context: dict[str, Any]) -> tuple[str, bytes]:
    """The document's text (HTML, stored with it) and the PDF rendered from that text."""
    html = render_html(template_name, context)
    return html, html_to_pdf(html)


def document_store(
    *,
    kind: str,
    title: str,
    pdf: bytes,
    department: Department,
    region: Region,
    number: str = "",
    subject: models.Model | None = None,
    created_by: User | None = None,
    supersedes: OfficialDocument | None = None,
    source_html: str = "",
) -> OfficialDocument:
    """Store a rendered document immutably (its SHA-256 is computed on save), with the text
    (``source_html``) the PDF was rendered from."""
    doc = OfficialDocument(
        kind=kind,
        number=number,
        title=title,
        pdf=pdf,
        source_html=source_html,
        department=department,
        region=region,
        created_by=created_by,
        supersedes=supersedes,
    )
    if subject is not None:
        doc.content_type = ContentType.objects.get_for_model(subject)
        doc.object_id = subject.pk
    doc.save()
    return doc


def documents_for(subject: models.Model) -> models.QuerySet[OfficialDocument]:
    return OfficialDocument.objects.filter(
        content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk
    ).defer("pdf")
