"""What the file store knows of each file it keeps."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FileKind(models.TextChoices):
    IMAGE = "image", _("图片")
    PDF = "pdf", _("PDF 文档")
    XLSX = "xlsx", _("Excel 工作簿")
    CSV = "csv", _("CSV 表格")


class StoredFile(models.Model):
    """One upload as the private file store keeps it: the kind and content type detected from
    its content at upload (never from its name), the SHA-256 and size of the bytes on disk (an
    image's are those of its re-encoding without EXIF), and the generated name under
    ``PRIVATE_STORAGE_ROOT``. The uploader's file name is kept for display only.

    The owning rows (an inspection photo, a rectification report, a filing, a reconciliation
    run) keep ``name`` in their own path field; their views decide who may download."""

    name = models.CharField(_("存储名"), max_length=200, unique=True, editable=False)
    kind = models.CharField(_("类型"), max_length=10, choices=FileKind.choices, editable=False)
    content_type = models.CharField(_("内容类型"), max_length=100, editable=False)
    size = models.PositiveBigIntegerField(_("字节数"), editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True, editable=False)
    original_name = models.CharField(_("原文件名"), max_length=200, blank=True, editable=False)
    width = models.PositiveIntegerField(_("宽"), default=0, editable=False)
    height = models.PositiveIntegerField(_("高"), default=0, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("上传人"),
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("存储文件")
        verbose_name_plural = _("存储文件")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name or self.name
