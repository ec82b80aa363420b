"""Staff, certificates and training records."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from supervision.core.policy import WriteRules
from supervision.core.scoping import ScopedQuerySet

# ``institution``: an institution account (机构端) sees its own rows (supervision/core/scoping.py).
from .common import INSTITUTION_SCOPE, KEEP
from .people import Person
from .registry import Institution

# --- Staff, certificates, training -----------------------------------------------------------


class StaffRole(models.TextChoices):
    MANAGER = "manager", _("管理人员")
    CAREGIVER = "caregiver", _("养老护理员")
    MEDICAL = "medical", _("医疗护理人员")
    REHABILITATION = "rehabilitation", _("康复治疗人员")
    FIRE_SAFETY = "fire_safety", _("消防管理人员")
    SOCIAL_WORKER = "social_worker", _("社会工作者")
    OTHER = "other", _("其他")


# Roles whose holders must have a valid professional certificate (003 3.; DOMAIN: 医疗护理、
# 康复治疗、消防管理).
CERTIFIED_ROLES = frozenset({StaffRole.MEDICAL, StaffRole.REHABILITATION, StaffRole.FIRE_SAFETY})


class SkillLevel(models.TextChoices):
    NONE = "", _("未评定")
    L5 = "5", _("五级/初级工")
    L4 = "4", _("四级/中级工")
    L3 = "3", _("三级/高级工")
    L2 = "2", _("二级/技师")
    L1 = "1", _("一级/高级技师")


class Staff(models.Model):
    """从业人员: a person employed by an institution in a role."""

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="staff", verbose_name=_("机构")
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="jobs", verbose_name=_("人员"))
    role = models.CharField(_("岗位"), max_length=20, choices=StaffRole.choices, db_index=True)
    skill_level = models.CharField(_("护理员技能等级"), max_length=2, choices=SkillLevel.choices, blank=True)
    hired_on = models.DateField(_("入职日期"))
    left_on = models.DateField(_("离职日期"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope = INSTITUTION_SCOPE
    # Leaving, certificates and training records are registry facts (see KEEP).
    # Unmasking a staff member's ID number (with a reason, audited): the registry's keepers.
    write_rules = WriteRules(
        region="institution__region", actions={"keep": KEEP, "unmask": KEEP}, label="从业人员"
    )

    class Meta:
        verbose_name = _("从业人员")
        verbose_name_plural = _("从业人员")
        ordering = ["institution_id", "role", "pk"]

    def __str__(self) -> str:
        return f"{self.person.name} · {self.get_role_display()}"

    @property
    def needs_certificate(self) -> bool:
        return self.role in CERTIFIED_ROLES


class Certificate(models.Model):
    """A professional qualification (执业证书、职业资格、消防设施操作员证 …) with its expiry."""

    staff = models.ForeignKey(
        Staff, on_delete=models.CASCADE, related_name="certificates", verbose_name=_("人员")
    )
    name = models.CharField(_("证书名称"), max_length=100)
    number = models.CharField(_("证书编号"), max_length=60, blank=True)
    issued_on = models.DateField(_("发证日期"), null=True, blank=True)
    expires_on = models.DateField(_("有效期至"), null=True, blank=True, help_text=_("长期有效留空"))

    class Meta:
        verbose_name = _("资格证书")
        verbose_name_plural = _("资格证书")
        ordering = ["-expires_on", "pk"]

    def __str__(self) -> str:
        return self.name

    def is_valid_on(self, day: dt.date) -> bool:
        return self.expires_on is None or self.expires_on >= day


class TrainingRecord(models.Model):
    """岗前培训 / 岗位技能提升培训 taken by a staff member."""

    staff = models.ForeignKey(
        Staff, on_delete=models.CASCADE, related_name="trainings", verbose_name=_("人员")
    )
    course = models.CharField(_("培训内容"), max_length=200)
    provider = models.CharField(_("培训机构"), max_length=200, blank=True)
    held_on = models.DateField(_("培训日期"))
    hours = models.DecimalField(_("学时"), max_digits=6, decimal_places=1, default=0)

    class Meta:
        verbose_name = _("培训记录")
        verbose_name_plural = _("培训记录")
        ordering = ["-held_on", "pk"]

    def __str__(self) -> str:
        return self.course
