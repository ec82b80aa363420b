"""Disclosure kept by the institution (000 (九), 002 (十五), 004 (五)): every change is recorded
and shown to civil affairs; the public page changes once staff accept it, or at once where the
region's rule says so."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from institutions.models import KEEP, OWN, Institution
from supervision.core.models import Region
from supervision.core.policy import WriteRules
from supervision.core.scoping import Scope, ScopedQuerySet

from .filing_models import PORTAL_SCOPE

# The registry's disclosure fields the institution keeps (basic information, rules, service
# items and fee standards, complaint phone, medical services).
DISCLOSURE_FIELDS = (
    "introduction",
    "rules",
    "service_items",
    "fee_standards",
    "complaint_phone",
    "medical_service",
)
# 004 (五): 养老服务质量信息公开模板 — service resources and service-quality management.
QUALITY_ITEMS: tuple[tuple[str, str], ...] = (
    ("residents", "在住老年人数"),
    ("care_staff", "养老护理员人数"),
    ("medical_staff", "医护人员人数"),
    ("care_levels", "提供的照护等级"),
    ("satisfaction", "最近一次服务满意度测评结果"),
    ("complaints_handled", "上一年度投诉受理及办结情况"),
    ("quality_measures", "服务质量管理制度与措施"),
)
QUALITY_LABELS = dict(QUALITY_ITEMS)


class ChangeState(models.TextChoices):
    PENDING = "pending", _("待民政部门确认")
    ACCEPTED = "accepted", _("已确认公开")
    PUBLISHED = "published", _("已直接公开（地区规则）")
    REJECTED = "rejected", _("未予确认")


class DisclosureChange(models.Model):
    """One change of the institution's disclosure: the diff (field → [before, after])."""

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="disclosure_changes", verbose_name=_("机构")
    )
    changes = models.JSONField(_("变更内容"), default=dict)
    state = models.CharField(_("状态"), max_length=12, choices=ChangeState.choices, db_index=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("提交人"),
    )
    submitted_at = models.DateTimeField(_("提交时间"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("确认人"),
    )
    decided_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    reason = models.CharField(_("未予确认的理由"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope = PORTAL_SCOPE
    write_rules = WriteRules(
        region="institution__region", actions={"decide": KEEP, "submit": OWN}, label="公开信息变更"
    )

    class Meta:
        verbose_name = _("公开信息变更")
        verbose_name_plural = _("公开信息变更")
        ordering = ["-submitted_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.institution} · {self.submitted_at:%Y-%m-%d} · {self.get_state_display()}"


class QualityDisclosure(models.Model):
    """The published service-quality data of 004 (五) (what the public page shows)."""

    institution = models.OneToOneField(
        Institution, on_delete=models.CASCADE, related_name="quality_disclosure", verbose_name=_("机构")
    )
    data = models.JSONField(_("服务质量信息"), default=dict)
    updated_on = models.DateField(_("更新日期"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope = PORTAL_SCOPE

    class Meta:
        verbose_name = _("服务质量信息公开")
        verbose_name_plural = _("服务质量信息公开")

    def __str__(self) -> str:
        return f"{self.institution} · 服务质量信息"


class DisclosureRule(models.Model):
    """A region's rule for institutions' disclosure changes: published at once, or after civil
    affairs accepts them (the default where no rule is set). The nearest region above decides."""

    region = models.OneToOneField(Region, on_delete=models.CASCADE, related_name="+", verbose_name=_("区划"))
    publish_at_once = models.BooleanField(_("机构修改后直接公开"), default=False)
    source = models.CharField(_("依据"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="region", any_department=True)

    class Meta:
        verbose_name = _("机构信息公开规则")
        verbose_name_plural = _("机构信息公开规则")

    def __str__(self) -> str:
        return f"{self.region.name} · {'直接公开' if self.publish_at_once else '确认后公开'}"
