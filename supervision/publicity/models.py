"""Policy and guidance pages (004 indicators 4.11–4.14) and the public change log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supervision.core.models import Region
from supervision.core.policy import ADMINS, LEAD, Allow, WriteRules
from supervision.core.scoping import Scope, ScopedQuerySet


class PolicyCategory(models.TextChoices):
    GENERAL = "general", _("通用政策")
    SERVICE = "service", _("业务办理")
    INDUSTRY = "industry", _("行业管理信息")


class PolicyPageQuerySet(ScopedQuerySet):
    def published(self, at=None) -> PolicyPageQuerySet:
        """Pages inside their publication period at ``at`` (now): leaving is a query, no job."""
        at = at or timezone.now()
        return self.filter(publish_from__lte=at).filter(
            Q(publish_until__isnull=True) | Q(publish_until__gt=at)
        )


class PolicyPage(models.Model):
    """A public policy or guidance page. ``body`` is plain text; templates escape it and turn
    blank lines into paragraphs, so no markup from the editor ever reaches a visitor."""

    category = models.CharField(_("栏目"), max_length=12, choices=PolicyCategory.choices, db_index=True)
    title = models.CharField(_("标题"), max_length=200)
    slug = models.SlugField(_("网址标识"), max_length=80, unique=True, allow_unicode=True)
    summary = models.CharField(_("摘要"), max_length=300, blank=True)
    body = models.TextField(_("正文"), help_text=_("纯文本；空行分段。"))
    source = models.CharField(_("发布机关/文号"), max_length=200, blank=True)
    region = models.ForeignKey(
        Region,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("适用区域"),
        help_text=_("留空表示全部区域（仅系统管理员可设置）。"),
    )
    publish_from = models.DateTimeField(_("公开起始时间"), default=timezone.now, db_index=True)
    publish_until = models.DateTimeField(_("公开截止时间"), null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = PolicyPageQuerySet.as_manager()
    scope = Scope(region="region")
    # Policy pages speak for the portal to the public: administrators of the lead department
    # (民政) publish them for their jurisdiction; a page for every region (no region) is the
    # system administrators' (superusers pass every rule; no post's jurisdiction holds "none").
    write_rules = WriteRules(
        region="region", label="政策指南页面", actions={"manage": (Allow(ADMINS, LEAD),)}
    )

    class Meta:
        verbose_name = _("政策指南页面")
        verbose_name_plural = _("政策指南页面")
        ordering = ["-publish_from", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(publish_until__isnull=True) | Q(publish_until__gt=models.F("publish_from")),
                name="policy_period_order",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def is_published(self, at=None) -> bool:
        at = at or timezone.now()
        return self.publish_from <= at and (self.publish_until is None or self.publish_until > at)


class ChangeAction(models.TextChoices):
    UPSERT = "upsert", _("新增或更新")
    DELETE = "delete", _("删除/撤下")


class PublicChange(models.Model):
    """One change of something public, in commit order (``seq``). Apps write it through
    ``publicity.services.record_public_change`` with an allow-listed payload; mirrors read
    it through ``/public/api/changes/``."""

    seq = models.BigAutoField(primary_key=True)
    dataset = models.CharField(_("数据集"), max_length=40, db_index=True)
    key = models.CharField(_("对象标识"), max_length=100)
    action = models.CharField(_("动作"), max_length=10, choices=ChangeAction.choices)
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    payload = models.JSONField(_("公开字段"), null=True, blank=True)

    class Meta:
        verbose_name = _("公开数据变更")
        verbose_name_plural = _("公开数据变更")
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.dataset}:{self.key} {self.action}"
