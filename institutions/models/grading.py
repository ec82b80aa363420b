"""Grade rating (等级评定, GB/T 37276): thresholds and ratings."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from supervision.core.scoping import ScopedQuerySet

# ``institution``: an institution account (机构端) sees its own rows (supervision/core/scoping.py).
from .common import INSTITUTION_SCOPE
from .registry import Institution

# --- Grade rating (等级评定, GB/T 37276) --------------------------------------------------------


class GradeLevel(models.IntegerChoices):
    ONE = 1, _("一级")
    TWO = 2, _("二级")
    THREE = 3, _("三级")
    FOUR = 4, _("四级")
    FIVE = 5, _("五级")


class GradeThreshold(models.Model):
    """Configuration: the minimum total score for each level (editable in admin). The score
    sections follow GB/T 37276 (环境 120, 设施设备 130, 运营管理 150, 服务 600 = 1000)."""

    level = models.PositiveSmallIntegerField(_("等级"), choices=GradeLevel.choices, unique=True)
    min_total = models.DecimalField(_("最低总分"), max_digits=6, decimal_places=1)
    validity_years = models.PositiveSmallIntegerField(_("有效期（年）"), default=3)

    class Meta:
        verbose_name = _("等级评定分数线")
        verbose_name_plural = _("等级评定分数线")
        ordering = ["level"]

    def __str__(self) -> str:
        return f"{self.get_level_display()} ≥ {self.min_total}"


class GradeRating(models.Model):
    """One grade rating of an institution with its score sections and validity."""

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="ratings", verbose_name=_("机构")
    )
    level = models.PositiveSmallIntegerField(_("等级"), choices=GradeLevel.choices)
    score_environment = models.DecimalField(_("环境（120）"), max_digits=5, decimal_places=1)
    score_facilities = models.DecimalField(_("设施设备（130）"), max_digits=5, decimal_places=1)
    score_management = models.DecimalField(_("运营管理（150）"), max_digits=5, decimal_places=1)
    score_service = models.DecimalField(_("服务（600）"), max_digits=5, decimal_places=1)
    total = models.DecimalField(_("总分"), max_digits=6, decimal_places=1)
    rated_on = models.DateField(_("评定日期"))
    valid_until = models.DateField(_("有效期至"))
    rated_by = models.CharField(_("评定机构"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope = INSTITUTION_SCOPE

    class Meta:
        verbose_name = _("等级评定")
        verbose_name_plural = _("等级评定")
        ordering = ["-rated_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.institution} · {self.get_level_display()}"


# Maximum score of each section (GB/T 37276-2018 评分细则).
SCORE_SECTIONS: dict[str, int] = {
    "score_environment": 120,
    "score_facilities": 130,
    "score_management": 150,
    "score_service": 600,
}
