"""The one submission and review workflow of what a unit reports upward: the statistical
reports (统计报表) and the 004 附件1 effectiveness evaluation (效能评估表) alike.

A ``Submission`` is filled in by the reporting unit (the civil-affairs posts of its region:
a township, a county), submitted to the level above (township → county → city, 004 四(四)),
which approves it or returns it for correction with a reason; a returned one is corrected
and submitted again. The allowed steps are ``TRANSITIONS``; only ``workflow`` writes
``state``, through the one transition helper. Who may take each step is ``SUBMISSION_RULES``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from supervision.core.models import Region
from supervision.core.policy import ACTING, Allow, WriteRules
from supervision.core.scoping import Scope, ScopedQuerySet


class SubmissionState(models.TextChoices):
    DRAFT = "draft", _("填报中")
    SUBMITTED = "submitted", _("已报送（待审核）")
    RETURNED = "returned", _("已退回修改")
    APPROVED = "approved", _("审核通过")


S = SubmissionState

TRANSITIONS: dict[tuple[str, str], tuple[str, ...]] = {
    (S.DRAFT, S.SUBMITTED): ("submit",),
    (S.RETURNED, S.SUBMITTED): ("submit",),
    (S.SUBMITTED, S.APPROVED): ("approve",),
    (S.SUBMITTED, S.RETURNED): ("return",),
}

STEP_LABELS: dict[str, str] = {
    "create": "新建填报",
    "fill": "填写",
    "refresh": "更新系统数据",
    "submit": "报送上级",
    "approve": "审核通过",
    "return": "退回修改",
}

# States in which the reporting unit may still change what it reports.
EDITABLE_STATES = (S.DRAFT, S.RETURNED)
# States the level above counts as "received" (the county's list of missing townships).
RECEIVED_STATES = (S.SUBMITTED, S.APPROVED)


def reporting_unit(assignment: Any, obj: Any) -> bool:
    """The post is the reporting unit's own civil-affairs post: lead department, same region."""
    return bool(assignment.department.is_lead) and assignment.region_id == obj.region_id


reporting_unit.label = "填报单位（本级民政部门）"  # type: ignore[attr-defined]


def level_above(assignment: Any, obj: Any) -> bool:
    """The post reviews: a civil-affairs post of a region strictly above the reporting unit."""
    return (
        bool(assignment.department.is_lead)
        and assignment.region_id != obj.region_id
        and obj.region.code.startswith(assignment.region.prefix)
    )


level_above.label = "上级民政部门"  # type: ignore[attr-defined]

FILLS = (Allow(ACTING, reporting_unit),)
REVIEWS = (Allow(ACTING, level_above),)


def submission_rules(label: str) -> WriteRules:
    return WriteRules(
        region="region",
        label=label,
        actions={"fill": FILLS, "submit": FILLS, "review": REVIEWS},
        reasons={
            "fill": f"{label}由填报单位（本级民政部门）的工作人员填写和报送。",
            "submit": f"{label}由填报单位（本级民政部门）的工作人员填写和报送。",
            "review": f"{label}由上级民政部门审核或退回。",
        },
    )


class Submission(models.Model):
    """What one unit (its region) reports upward, with who prepared it and the review."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("填报单位"))
    state = models.CharField(
        _("状态"), max_length=12, choices=SubmissionState.choices, default=S.DRAFT, db_index=True
    )
    preparer = models.CharField(_("制表人（联系人）"), max_length=50, blank=True)
    prepared_on = models.DateField(_("填报日期"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("报送人"),
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("审核人"),
    )
    return_reason = models.TextField(_("退回理由"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("创建人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    # Any department over the region reads what its civil affairs reports; the level above
    # sees every unit below it (属地管理). Writes are ``write_rules`` of each concrete model.
    scope = Scope(region="region")

    class Meta:
        abstract = True

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STATES

    @property
    def unit_name(self) -> str:
        """填报单位 in words: the region's civil-affairs bureau or office."""
        region = self.region
        return f"{region.name}民政{'局' if region.level <= 3 else '办'}"
