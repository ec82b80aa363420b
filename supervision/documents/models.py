"""Numbered official documents (整改通知书, 抄告函, 决定书 …) stored immutably with their hash."""

from __future__ import annotations

import hashlib

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from supervision.core.models import Department, Region, User


class DocumentCounter(models.Model):
    """The last number issued per (kind, department, region, year); rows are locked while a
    number is allocated so concurrent issuing yields no gaps and no duplicates."""

    kind = models.CharField(_("文书类型"), max_length=40)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, verbose_name=_("部门"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("区划"))
    year = models.PositiveIntegerField(_("年度"))
    last_number = models.PositiveIntegerField(_("已用序号"), default=0)
    pattern = models.CharField(
        _("文号格式"),
        max_length=100,
        default="{region_short}{dept_short}{kind_short}〔{year}〕{number}号",
        help_text=_("可用占位符：{region_short} {dept_short} {kind_short} {year} {number}"),
    )

    class Meta:
        verbose_name = _("文号计数器")
        verbose_name_plural = _("文号计数器")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "department", "region", "year"], name="uniq_document_counter"
            )
        ]

    def __str__(self) -> str:
        return f"{self.region}{self.department} {self.kind} {self.year}: {self.last_number}"

    def clean(self) -> None:
        check_pattern(self.pattern)


PATTERN_FIELDS = {"region_short", "dept_short", "kind_short", "year", "number"}


def check_pattern(pattern: str) -> None:
    """A number pattern must contain ``{number}`` and only the known placeholders."""
    import string

    from django.core.exceptions import ValidationError

    try:
        names = {f for _text, f, _spec, _conv in string.Formatter().parse(pattern) if f is not None}
    except ValueError as exc:
        raise ValidationError({"pattern": f"文号格式有误（{exc}）。"}) from exc
    unknown = names - PATTERN_FIELDS
    if unknown:
        allowed = " ".join("{" + f + "}" for f in sorted(PATTERN_FIELDS))
        raise ValidationError(
            {"pattern": f"文号格式含未知占位符：{'、'.join(sorted(unknown))}；可用：{allowed}。"}
        )
    if "number" not in names:
        raise ValidationError({"pattern": "文号格式须包含序号占位符 {number}。"})


class OfficialDocument(models.Model):
    """A rendered document. Once saved, its bytes and hash never change (a correction is a new
    document that supersedes the old one)."""

    kind = models.CharField(_("文书类型"), max_length=40, db_index=True)
    number = models.CharField(_("文号"), max_length=100, blank=True, db_index=True)
    title = models.CharField(_("标题"), max_length=200)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("content_type", "object_id")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, verbose_name=_("制发部门"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, verbose_name=_("区划"))
    pdf = models.BinaryField(_("PDF"))
    # The text the PDF was rendered from (the HTML of the document template): the Word draft
    # of the same document is built from the same text; what is issued is the PDF.
    source_html = models.TextField(_("文书正文"), blank=True, editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64, editable=False)
    size = models.PositiveIntegerField(_("大小（字节）"), default=0)
    supersedes = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("替代")
    )
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("制发人")
    )
    created_at = models.DateTimeField(_("制发时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("公文")
        verbose_name_plural = _("公文")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("公文一经制发不可修改；如需更正，请制发新文书。")
        data = bytes(self.pdf)
        self.sha256 = hashlib.sha256(data).hexdigest()
        self.size = len(data)
        super().save(*args, **kwargs)

    def verify(self) -> bool:
        return hashlib.sha256(bytes(self.pdf)).hexdigest() == self.sha256
