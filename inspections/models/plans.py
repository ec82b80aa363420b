"""Annual inspection plans."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from supervision.core.models import Department, Region
from supervision.core.policy import ACTING, OWNER, Allow, WriteRules
from supervision.core.scoping import Scope, ScopedQuerySet

from .items import InspectionItem

# --- Annual plans ------------------------------------------------------------------------------


class CoveragePeriod(models.TextChoices):
    YEAR = "year", _("每年至少一次")
    HALF_YEAR = "half_year", _("每半年至少一次")


def default_risk_weights() -> dict[str, str]:
    return {"high": "3", "medium": "1.5", "low": "1"}


class InspectionPlan(models.Model):
    """年度抽查计划 of a department at a region: sampling ratio, risk weights, coverage rule."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="inspection_plans", verbose_name=_("区划")
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="inspection_plans", verbose_name=_("部门")
    )
    partner_departments = models.ManyToManyField(
        Department, blank=True, related_name="joint_inspection_plans", verbose_name=_("联合检查部门")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("计划名称"), max_length=200)
    sampling_ratio = models.DecimalField(
        _("抽查比例"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.200"),
        help_text=_("0–1，如 0.2 表示 20%"),
    )
    risk_weights = models.JSONField(
        _("风险等级权重"),
        default=default_risk_weights,
        help_text=_('如 {"high": "3", "medium": "1.5", "low": "1"}'),
    )
    class_ratios = models.JSONField(
        _("分风险等级抽查比例"),
        default=dict,
        blank=True,
        help_text=_('分层抽样，如 {"high": "0.5", "low": "0.1"}；未列出的等级按总体比例'),
    )
    uncapped_classes = models.JSONField(
        _("不设抽查比例上限的风险等级"),
        default=list,
        blank=True,
        help_text=_('如 ["high"]：该等级机构全部纳入抽查（重点监管不设上限）'),
    )
    team_size = models.PositiveSmallIntegerField(_("每组检查人员数"), default=2)
    coverage_period = models.CharField(
        _("现场检查覆盖频次"), max_length=10, choices=CoveragePeriod.choices, default=CoveragePeriod.YEAR
    )
    items = models.ManyToManyField(
        InspectionItem, blank=True, related_name="plans", verbose_name=_("检查事项（留空为全部启用事项）")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("制定人")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="region", department="department")
    # The plan's department plans and draws at the plan's region (001 (十): the department that
    # inspects draws). No seed document reserves committing, revealing or redrawing for leaders,
    # so every acting post (admin, inspector, leader) may; auditors and liaisons only read. A
    # township post does not draw for its county's plan (the plan's region is the county).
    write_rules = WriteRules(
        region="region",
        department="department",
        label="年度抽查计划",
        actions={"create": (Allow(ACTING, OWNER),), "draw": (Allow(ACTING, OWNER),)},
    )

    class Meta:
        verbose_name = _("年度抽查计划")
        verbose_name_plural = _("年度抽查计划")
        ordering = ["-year", "region__code", "pk"]

    def __str__(self) -> str:
        return self.title
