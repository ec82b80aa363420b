"""The inspector directory and conflicts of interest."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from institutions.models import Institution
from supervision.core.models import Department, Domain, Region
from supervision.core.policy import ADMINS, LEAD, OWNER, Allow, WriteRules
from supervision.core.scoping import Scope, ScopedQuerySet

# --- Inspector directory ---------------------------------------------------------------------


class Inspector(models.Model):
    """执法检查人员名录库: an inspector with a law-enforcement certificate. Only inspectors whose
    certificate is valid on the draw date are drawable."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inspector_profiles",
        verbose_name=_("平台账号"),
    )
    name = models.CharField(_("姓名"), max_length=50)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="inspectors", verbose_name=_("部门")
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="inspectors", verbose_name=_("所属区划")
    )
    certificate_number = models.CharField(_("执法证号"), max_length=40, unique=True)
    certificate_expires = models.DateField(_("执法证有效期至"))
    domains = models.ManyToManyField(
        Domain, blank=True, related_name="inspectors", verbose_name=_("检查领域")
    )
    active = models.BooleanField(_("在岗"), default=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="region", department="department")
    # The directory is kept by the county administrators (管理员): a department's own, and the
    # lead department's (民政), which keeps the joint directory (inspections/inspector_admin.py).
    write_rules = WriteRules(
        label="执法检查人员",
        actions={"manage": (Allow(ADMINS, OWNER), Allow(ADMINS, LEAD))},
    )

    class Meta:
        verbose_name = _("执法检查人员")
        verbose_name_plural = _("执法检查人员名录")
        ordering = ["department__code", "name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def public_code(self) -> str:
        """Opaque identifier used in published draw inputs (no name, no certificate number)."""
        return f"I{self.pk:06d}"

    def is_drawable(self, on: dt.date | None = None) -> bool:
        on = on or dt.date.today()
        return self.active and self.certificate_expires >= on

    @property
    def masked_name(self) -> str:
        return (self.name[:1] + "*" * max(1, len(self.name) - 1)) if self.name else ""


class ConflictKind(models.TextChoices):
    DECLARED = "declared", _("本人申报的利害关系")
    RELATIVE = "relative", _("近亲属在该机构任职或入住")
    FORMER_EMPLOYEE = "former_employee", _("曾在该机构任职")
    OTHER = "other", _("其他应回避情形")


class InspectorConflict(models.Model):
    """A reason an inspector must not inspect an institution (回避)."""

    inspector = models.ForeignKey(
        Inspector, on_delete=models.CASCADE, related_name="conflicts", verbose_name=_("检查人员")
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="inspector_conflicts", verbose_name=_("机构")
    )
    kind = models.CharField(
        _("回避事由"), max_length=20, choices=ConflictKind.choices, default=ConflictKind.DECLARED
    )
    note = models.CharField(_("说明"), max_length=300, blank=True)
    declared_on = models.DateField(_("申报日期"), default=dt.date.today)
    active = models.BooleanField(_("有效"), default=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="institution__region", department="inspector__department")

    class Meta:
        verbose_name = _("回避关系")
        verbose_name_plural = _("回避关系")
        constraints = [
            models.UniqueConstraint(
                fields=["inspector", "institution", "kind"], name="uniq_inspector_conflict"
            )
        ]

    def __str__(self) -> str:
        return f"{self.inspector} · {self.institution} · {self.get_kind_display()}"
