"""Liaison officers (联络员, 004 附件2) and training quotas (培训任务分解, 003 附件2).

* ``LiaisonOfficer`` – the contact a township or a department names for a campaign (004 四、
  （一）: “要确定1名熟悉工作的同志作为联络员”): the form's 乡镇（街道）, 姓名, 职务 and
  联系方式, with an office phone beside the mobile. The mobile is encrypted at rest and shown
  masked outside the administration (``present_mobile``).
* ``TrainingQuota`` – a county's target of trainings (人次) over a period, from the task
  breakdown table; progress is counted from training records through the indicator registry
  (``progress_indicator``), so that the figure is the one dashboards show.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from supervision.audit.fields import EncryptedCharField
from supervision.core.models import Department, Region
from supervision.core.policy import ACTING, LEAD, LIAISON, OWNER, Allow, WriteRules
from supervision.core.scoping import Scope, ScopedQuerySet
from supervision.publicity.masking import mask_phone

# The indicator (registered by the app that keeps training records) whose value over a county
# and the quota's period is the quota's progress.
CAREGIVER_TRAININGS = "institutions.caregiver_trainings"


class LiaisonOfficer(models.Model):
    """A liaison officer of a body (a department at a region), for a campaign or standing."""

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="liaisons",
        verbose_name=_("专项行动"),
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("乡镇（街道）或区划")
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("部门")
    )
    name = models.CharField(_("姓名"), max_length=50)
    post = models.CharField(_("职务"), max_length=100)
    office_phone = models.CharField(_("办公电话"), max_length=30, blank=True)
    mobile = EncryptedCharField(_("手机（加密保存）"), max_length=20)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    # A contact list is for reaching one another: every department in the region reads it.
    scope = Scope(region="region", any_department=True)
    # A body names its own liaison; civil affairs (the lead department) keeps the roster.
    write_rules = WriteRules(
        region="region",
        department="department",
        label="联络员",
        actions={"keep": (Allow(ACTING + LIAISON, OWNER), Allow(ACTING, LEAD))},
    )

    class Meta:
        verbose_name = _("联络员")
        verbose_name_plural = _("联络员")
        ordering = ["region__code", "department_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "region", "department"], name="uniq_campaign_liaison")
        ]

    def __str__(self) -> str:
        return f"{self.region.name}{self.department.name} · {self.name}"


def sees_full_mobile(user: Any, liaison: LiaisonOfficer) -> bool:
    """Inside the administration: a post of the lead department (民政) over the liaison's region,
    or of the liaison's own department there. Everyone else sees the mobile masked."""
    if getattr(user, "is_superuser", False):
        return True
    for post in user.active_assignments():
        if not liaison.region.code.startswith(post.region.prefix):
            continue
        if post.department.is_lead or post.department_id == liaison.department_id:
            return True
    return False


def present_mobile(user: Any, liaison: LiaisonOfficer) -> str:
    return liaison.mobile if sees_full_mobile(user, liaison) else mask_phone(liaison.mobile)


class TrainingQuota(models.Model):
    """A county's training target (人次) over a period (003 附件2: 3,800 nurse trainings)."""

    programme = models.CharField(_("培训任务"), max_length=200)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("县（市、区）")
    )
    target = models.PositiveIntegerField(_("任务数（人次）"))
    period_start = models.DateField(_("起始日期"))
    period_end = models.DateField(_("截止日期"))
    source_document = models.CharField(_("依据文件"), max_length=300, blank=True)
    source_article = models.CharField(_("条款"), max_length=100, blank=True)
    progress_indicator = models.CharField(
        _("完成数统计指标"), max_length=80, default=CAREGIVER_TRAININGS, help_text=_("指标库中的指标代码")
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="region", any_department=True)
    write_rules = WriteRules(region="region", label="培训任务", actions={"keep": (Allow(ACTING, LEAD),)})

    class Meta:
        verbose_name = _("培训任务")
        verbose_name_plural = _("培训任务")
        ordering = ["programme", "region__code"]
        constraints = [models.UniqueConstraint(fields=["programme", "region"], name="uniq_training_quota")]

    def __str__(self) -> str:
        return f"{self.programme} · {self.region.name}"
