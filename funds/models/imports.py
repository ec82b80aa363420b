"""Excel imports of claim lines and of the deceased/absent lists: staged (preview), then applied
whole in one transaction or discarded, as the registration reconciliation does."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from supervision.core.models import Region
from supervision.core.policy import WriteRules
from supervision.core.scoping import Scope, ScopedQuerySet

from ..rules import CIVIL_AFFAIRS
from .claims import SubsidyClaim


class ImportKind(models.TextChoices):
    CLAIM_LINES = "claim_lines", _("补贴申报明细")
    STATUS_LIST = "status_list", _("死亡、离院人员名单")


class ImportStatus(models.TextChoices):
    PREVIEW = "preview", _("待确认导入")
    APPLIED = "applied", _("已导入")
    DISCARDED = "discarded", _("已放弃")


class ImportBatch(models.Model):
    """One uploaded file: its errors by row and column, its good rows, and what became of it."""

    kind = models.CharField(_("导入类型"), max_length=16, choices=ImportKind.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("地区"))
    claim = models.ForeignKey(
        SubsidyClaim,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="imports",
        verbose_name=_("补贴申报"),
    )
    file = models.CharField(_("文件"), max_length=300)
    original_name = models.CharField(_("原文件名"), max_length=255, blank=True)
    source = models.CharField(_("数据来源"), max_length=100, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.PREVIEW, db_index=True
    )
    total_rows = models.PositiveIntegerField(_("数据行数"), default=0)
    good_rows = models.PositiveIntegerField(_("可导入行数"), default=0)
    # [{"row": 3, "column": "身份证号", "message": "…"}], the first 500.
    errors = models.JSONField(_("错误"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    applied_at = models.DateTimeField(_("导入时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="region")
    write_rules = WriteRules(region="region", label="资金数据导入", actions={"import": CIVIL_AFFAIRS})

    class Meta:
        verbose_name = _("资金数据导入")
        verbose_name_plural = _("资金数据导入")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.original_name}"
