"""Penalties (行政处罚) and their publication."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inspections.models import Finding
from institutions.models import Institution
from supervision.core.models import Department, Region
from supervision.core.policy import WriteRules
from supervision.core.scoping import Scope, ScopedQuerySet

from ..rules import HANDLERS

# --- penalties -----------------------------------------------------------------------------


class PenaltyKind(models.TextChoices):
    WARNING = "warning", _("警告")
    FINE = "fine", _("罚款")
    CONFISCATION = "confiscation", _("没收违法所得、没收非法财物")
    SUSPENSION = "suspension", _("责令停产停业")
    LICENCE = "licence", _("暂扣或吊销许可证件")
    OTHER = "other", _("其他")


class AppealStatus(models.TextChoices):
    NONE = "none", _("未申请复议或起诉")
    RECONSIDERATION = "reconsideration", _("行政复议中")
    LITIGATION = "litigation", _("行政诉讼中")
    UPHELD = "upheld", _("维持")
    CHANGED = "changed", _("变更")
    REVOKED = "revoked", _("撤销")


class Penalty(models.Model):
    """行政处罚决定: decision number, legal basis, type (fine with amount), date, appeal status."""

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="penalties", verbose_name=_("当事机构")
    )
    findings = models.ManyToManyField(
        Finding, blank=True, related_name="penalties", verbose_name=_("相关问题")
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("处罚机关")
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("处罚机关所在区划")
    )
    decision_number = models.CharField(_("决定书文号"), max_length=100)
    kind = models.CharField(_("处罚种类"), max_length=16, choices=PenaltyKind.choices)
    fine_amount = models.DecimalField(
        _("罚款金额（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    confiscated = models.CharField(_("没收财物/违法所得"), max_length=300, blank=True)
    facts = models.TextField(_("违法事实"))
    legal_basis = models.CharField(_("处罚依据"), max_length=300)
    decided_on = models.DateField(_("决定日期"))
    legal_representative = models.CharField(_("法定代表人（负责人）"), max_length=50, blank=True)
    appeal_status = models.CharField(
        _("复议诉讼状态"), max_length=16, choices=AppealStatus.choices, default=AppealStatus.NONE
    )
    published_on = models.DateField(_("公示日期"), null=True, blank=True)
    published_until = models.DateField(
        _("公示截止日期"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("公示至该日（含）；之后自动从公开页面撤下。未设置的不公开。"),
    )
    publication_ended_on = models.DateField(
        _("提前结束公示日期"),
        null=True,
        blank=True,
        help_text=_("经信用修复提前结束公示的，自该日起不再公示。"),
    )
    publication_end_reason = models.TextField(_("提前结束公示理由"), blank=True)
    public_changed_at = models.DateTimeField(
        _("公示信息更新时间"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("公示、复议诉讼状态变更或撤销的时间（变更订阅据此提供）。"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("录入人"),
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="institution__region", department="department", institution="institution")
    # The deciding department's acting posts record the decision (under their own post, passed
    # as ``department=``), its appeal status and, for 信用修复, the early end of publication.
    write_rules = WriteRules(
        region="institution__region",
        department="department",
        label="行政处罚",
        reasons={"create": "您在该机构所在辖区没有监管执法岗位，不能登记行政处罚。"},
        actions={"create": HANDLERS, "appeal": HANDLERS, "end_publication": HANDLERS},
    )

    class Meta:
        verbose_name = _("行政处罚")
        verbose_name_plural = _("行政处罚")
        ordering = ["-decided_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["department", "decision_number"], name="uniq_penalty_decision"),
        ]

    def __str__(self) -> str:
        return f"{self.decision_number} {self.institution}"

    @property
    def is_revoked(self) -> bool:
        return self.appeal_status == AppealStatus.REVOKED

    def is_public(self, on: dt.date | None = None) -> bool:
        """Shown on the public pages on ``on`` (today): published, not revoked, in its period."""
        on = on or timezone.localdate()
        return (
            self.published_on is not None
            and self.appeal_status != AppealStatus.REVOKED
            and self.published_until is not None
            and self.published_until >= on
        )
