"""Suspension orders (责令停业整顿)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from supervision.core.policy import WriteRules
from supervision.core.scoping import Scope, ScopedQuerySet
from supervision.documents.models import OfficialDocument

from ..rules import DECIDERS
from .notices import RectificationNotice

# --- suspension orders ---------------------------------------------------------------------


class OrderStatus(models.TextChoices):
    DRAFT = "draft", _("待领导审批")
    APPROVED = "approved", _("已批准下达")


ORDER_TRANSITIONS: dict[tuple[str, str], str] = {(OrderStatus.DRAFT, OrderStatus.APPROVED): "approve"}


class SuspensionOrder(models.Model):
    """责令停业整顿决定书, drafted once per overdue notice, approved by a leader."""

    notice = models.OneToOneField(
        RectificationNotice,
        on_delete=models.PROTECT,
        related_name="suspension_order",
        verbose_name=_("整改通知书"),
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=OrderStatus.choices, default=OrderStatus.DRAFT, db_index=True
    )
    reasons = models.TextField(_("逾期未整改事项"))
    period_text = models.CharField(
        _("停业整顿期限"), max_length=200, default="自本决定送达之日起停业整顿，至整改验收合格之日止"
    )
    number = models.CharField(_("文号"), max_length=100, blank=True)
    document = models.ForeignKey(
        OfficialDocument,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("决定书"),
    )
    drafted_at = models.DateTimeField(_("起草时间"), auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("批准人"),
    )
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="notice__institution__region", department="notice__issuing_department")
    write_rules = WriteRules(
        region="notice__institution__region",
        department="notice__issuing_department",
        label="责令停业整顿决定书",
        actions={"approve": DECIDERS},
    )

    class Meta:
        verbose_name = _("责令停业整顿决定书")
        verbose_name_plural = _("责令停业整顿决定书")
        ordering = ["-drafted_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.number or '（待审批）'} {self.notice.institution}"
