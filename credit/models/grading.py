"""Grading configuration and results."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from institutions.models import Institution
from supervision.core.models import Region
from supervision.core.scoping import Scope, ScopedQuerySet

# The objection window (陈述申辩期) of a notified listing: a clock of the deadline engine.
from .ledger import RecordKind

# --- Grading configuration and results -------------------------------------------------------


class GradingRule(models.Model):
    """Configuration: what one record of a kind is worth, how long it counts, whether its weight
    fades linearly over that time, and whether it is a serious dishonesty (严重失信) that caps
    the grade. Rows are edited in the admin; defaults come from ``credit.rules.DEFAULT_RULES``."""

    kind = models.CharField(_("记录类型"), max_length=30, choices=RecordKind.choices, unique=True)
    points = models.DecimalField(_("分值"), max_digits=6, decimal_places=1)
    validity_months = models.PositiveSmallIntegerField(
        _("计分期限（月）"), null=True, blank=True, help_text=_("记录生效后计入评分的月数；空为长期")
    )
    decays = models.BooleanField(_("逐步衰减"), default=False, help_text=_("在计分期限内线性衰减至 0"))
    serious = models.BooleanField(_("严重失信"), default=False, help_text=_("计分期内信用等级最高为 C"))
    source = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("信用评分规则")
        verbose_name_plural = _("信用评分规则")
        ordering = ["kind"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.points:+}"


class Grade(models.TextChoices):
    A = "A", _("A 级（守信）")
    B = "B", _("B 级（基本守信）")
    C = "C", _("C 级（失信）")
    D = "D", _("D 级（严重失信）")


class RiskClass(models.TextChoices):
    LOW = "low", _("低风险")
    MEDIUM = "medium", _("中风险")
    HIGH = "high", _("高风险")


class GradeThreshold(models.Model):
    """Configuration: the lowest score of each grade and the risk class the grade sets for the
    random draw (001 (十二): poor credit → more inspections)."""

    grade = models.CharField(_("信用等级"), max_length=1, choices=Grade.choices, unique=True)
    min_score = models.DecimalField(_("最低分"), max_digits=6, decimal_places=1)
    risk_class = models.CharField(_("风险等级"), max_length=10, choices=RiskClass.choices)

    class Meta:
        verbose_name = _("信用等级分数线")
        verbose_name_plural = _("信用等级分数线")
        ordering = ["-min_score"]

    def __str__(self) -> str:
        return f"{self.grade} ≥ {self.min_score}"


class CreditGrade(models.Model):
    """The current credit grade of an institution, recomputed whenever its records change.
    ``reasons`` lists every input with its points, weight and contribution (shown to staff)."""

    institution = models.OneToOneField(
        Institution, on_delete=models.CASCADE, related_name="credit_grade", verbose_name=_("机构")
    )
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所在区划"))
    score = models.DecimalField(_("信用分"), max_digits=6, decimal_places=1)
    grade = models.CharField(_("信用等级"), max_length=1, choices=Grade.choices, db_index=True)
    risk_class = models.CharField(_("风险等级"), max_length=10, choices=RiskClass.choices, db_index=True)
    reasons = models.JSONField(_("评分依据"), default=list)
    computed_at = models.DateTimeField(_("计算时间"))
    computed_for = models.DateField(_("评分日期"))

    objects = ScopedQuerySet.as_manager()
    # Grades drive every department's inspection planning: visible region-wide.
    scope = Scope(region="region", any_department=True, institution="institution")

    class Meta:
        verbose_name = _("信用等级")
        verbose_name_plural = _("信用等级")
        ordering = ["credit_code"]

    def __str__(self) -> str:
        return f"{self.credit_code} {self.grade}"
