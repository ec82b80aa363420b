"""Exits: the exit plan and asset disposal."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from supervision.core.policy import WriteRules
from supervision.core.scoping import ScopedQuerySet

# ``institution``: an institution account (机构端) sees its own rows (supervision/core/scoping.py).
from .common import INSTITUTION_SCOPE, KEEP
from .registry import Institution
from .staff import Staff

# --- Exits -----------------------------------------------------------------------------------


class ExitKind(models.TextChoices):
    SUSPEND = "suspend", _("暂停服务")
    TERMINATE = "terminate", _("终止服务")


class AssetDisposalStatus(models.TextChoices):
    NOT_REQUIRED = "not_required", _("不适用（营利性/公办）")
    PENDING = "pending", _("待监督")
    SUPERVISED = "supervised", _("已监督处置完毕")


class ExitPlan(models.Model):
    """A suspension or termination with the residents' resettlement plan and, for non-profit
    and 公建民营 institutions, the supervised asset disposal (003 7.)."""

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="exits", verbose_name=_("机构")
    )
    kind = models.CharField(_("类型"), max_length=10, choices=ExitKind.choices)
    effective_on = models.DateField(_("生效日期"))
    reason = models.TextField(_("原因"))
    residents_to_resettle = models.PositiveIntegerField(_("需安置老年人数"), default=0)
    resettlement_plan = models.TextField(_("老年人安置方案"))
    asset_disposal_plan = models.TextField(_("财产处置方案"), blank=True)
    asset_disposal_status = models.CharField(
        _("财产处置监管"),
        max_length=20,
        choices=AssetDisposalStatus.choices,
        default=AssetDisposalStatus.NOT_REQUIRED,
    )
    asset_disposal_note = models.TextField(_("财产处置监管情况"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("经办人")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope = INSTITUTION_SCOPE
    # Civil affairs supervises the asset disposal of a non-profit's exit (003 7.).
    write_rules = WriteRules(region="institution__region", actions={"keep": KEEP}, label="退出事项")

    class Meta:
        verbose_name = _("退出（暂停/终止）")
        verbose_name_plural = _("退出（暂停/终止）")
        ordering = ["-effective_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.institution} · {self.get_kind_display()} {self.effective_on}"


def _register_revealable() -> None:
    from supervision.audit.unmask import Revealable, register

    from ..personal import mask_id

    register(
        Revealable(
            slug="staff-id",
            model=Staff,
            values=(("身份证号码", "person.id_number", mask_id),),
            describe=lambda s: f"{s.institution.name} 从业人员 {s.person.name}",
            back=lambda s: f"/institutions/{s.institution_id}/",
        )
    )


_register_revealable()
