"""Operations: emergency plans, drills and incident reports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from supervision.core.scoping import ScopedQuerySet

# ``institution``: an institution account (机构端) sees its own rows (supervision/core/scoping.py).
from .common import INSTITUTION_SCOPE
from .registry import Institution

# --- Operations: emergency plans, drills, incident reports -----------------------------------


class PlanKind(models.TextChoices):
    NATURAL_DISASTER = "natural_disaster", _("自然灾害")
    ACCIDENT = "accident", _("事故灾难")
    PUBLIC_HEALTH = "public_health", _("公共卫生事件")
    FIRE_EVACUATION = "fire_evacuation", _("灭火和应急疏散")


class EmergencyPlan(models.Model):
    """An emergency plan (应急预案) of an institution (000 (五), 003 6.)."""

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="emergency_plans", verbose_name=_("机构")
    )
    kind = models.CharField(_("预案类型"), max_length=20, choices=PlanKind.choices)
    title = models.CharField(_("预案名称"), max_length=200)
    adopted_on = models.DateField(_("制定日期"))
    summary = models.TextField(_("主要内容"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope = INSTITUTION_SCOPE

    class Meta:
        verbose_name = _("应急预案")
        verbose_name_plural = _("应急预案")
        ordering = ["kind", "-adopted_on"]

    def __str__(self) -> str:
        return self.title


class DrillKind(models.TextChoices):
    COMPREHENSIVE = "comprehensive", _("综合演练")
    SPECIAL = "special", _("专项演练")
    FIRE = "fire", _("消防演练")


class Drill(models.Model):
    """An emergency drill; recording one meets the open half-yearly drill clock and opens the next."""

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="drills", verbose_name=_("机构")
    )
    plan = models.ForeignKey(
        EmergencyPlan,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="drills",
        verbose_name=_("预案"),
    )
    held_on = models.DateField(_("演练日期"))
    kind = models.CharField(_("演练类型"), max_length=20, choices=DrillKind.choices)
    participants = models.PositiveIntegerField(_("参加人数"), default=0)
    participants_note = models.CharField(_("参加人员"), max_length=300, blank=True)
    notes = models.TextField(_("演练情况"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("录入人")
    )

    objects = ScopedQuerySet.as_manager()
    scope = INSTITUTION_SCOPE

    class Meta:
        verbose_name = _("应急演练")
        verbose_name_plural = _("应急演练")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.institution} · {self.get_kind_display()} {self.held_on}"


class IncidentKind(models.TextChoices):
    EPIDEMIC = "epidemic", _("传染病暴发或流行")
    UNKNOWN_CLUSTER = "unknown_cluster", _("不明原因的群体性疾病")
    FOOD_POISONING = "food_poisoning", _("重大食物中毒")
    SAFETY_ACCIDENT = "safety_accident", _("安全生产事故")
    OTHER = "other", _("其他突发事件")


class Recipient(models.TextChoices):
    HEALTH = "health", _("卫生健康部门")
    CDC = "cdc", _("疾病预防控制机构")
    CIVIL_AFFAIRS = "civil_affairs", _("民政部门")
    MARKET = "market_regulation", _("市场监管部门")
    EMERGENCY = "emergency_management", _("应急管理部门")


# Who an incident must be reported to: 003 6. (health, civil affairs, market regulation, CDC for
# epidemics, clusters and food poisoning; emergency management and civil affairs for safety
# accidents) and 002 (十二) (health, CDC, civil affairs).
REQUIRED_RECIPIENTS: dict[str, tuple[str, ...]] = {
    IncidentKind.EPIDEMIC: (Recipient.HEALTH, Recipient.CDC, Recipient.CIVIL_AFFAIRS, Recipient.MARKET),
    IncidentKind.UNKNOWN_CLUSTER: (
        Recipient.HEALTH,
        Recipient.CDC,
        Recipient.CIVIL_AFFAIRS,
        Recipient.MARKET,
    ),
    IncidentKind.FOOD_POISONING: (Recipient.HEALTH, Recipient.CDC, Recipient.CIVIL_AFFAIRS, Recipient.MARKET),
    IncidentKind.SAFETY_ACCIDENT: (Recipient.EMERGENCY, Recipient.CIVIL_AFFAIRS),
    IncidentKind.OTHER: (Recipient.CIVIL_AFFAIRS,),
}


class IncidentReport(models.Model):
    """An incident or epidemic report with the departments it reached."""

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="incidents", verbose_name=_("机构")
    )
    kind = models.CharField(_("事件类型"), max_length=20, choices=IncidentKind.choices)
    occurred_at = models.DateTimeField(_("发生时间"))
    reported_at = models.DateTimeField(_("报告时间"))
    summary = models.TextField(_("事件概况"))
    affected = models.PositiveIntegerField(_("涉及人数"), default=0)
    reported_to = models.JSONField(_("已报告部门"), default=list)
    measures = models.TextField(_("已采取措施"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope = INSTITUTION_SCOPE

    class Meta:
        verbose_name = _("突发事件报告")
        verbose_name_plural = _("突发事件报告")
        ordering = ["-occurred_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.institution} · {self.get_kind_display()}"

    @property
    def required_recipients(self) -> tuple[str, ...]:
        return REQUIRED_RECIPIENTS.get(self.kind, ())

    @property
    def missing_recipients(self) -> list[str]:
        return [r for r in self.required_recipients if r not in (self.reported_to or [])]
