"""Draws (双随机): verifiable, frozen inputs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from supervision.core.policy import ACTING, OWNER, Allow, WriteRules
from supervision.core.scoping import Scope, ScopedQuerySet

from .plans import InspectionPlan

# --- Draws -------------------------------------------------------------------------------------


class DrawStatus(models.TextChoices):
    COMMITTED = "committed", _("已承诺（种子哈希已公布）")
    EXECUTED = "executed", _("已抽取")
    REVEALED = "revealed", _("已公开种子")
    SUPERSEDED = "superseded", _("已作废（重新抽取）")


class DrawExclusion(models.TextChoices):
    """Why an institution is not a candidate of a later draw of the same plan (published in
    the draw's ``inputs["excluded"]``; the algorithm never reads it)."""

    PENDING = "pending", _("本计划已有待检查任务")
    INSPECTED = "inspected", _("本计划本期已检查")


DRAW_TRANSITIONS: dict[tuple[str, str], str] = {
    (DrawStatus.COMMITTED, DrawStatus.EXECUTED): "execute",
    (DrawStatus.EXECUTED, DrawStatus.REVEALED): "reveal",
    (DrawStatus.COMMITTED, DrawStatus.SUPERSEDED): "redraw",
    (DrawStatus.EXECUTED, DrawStatus.SUPERSEDED): "redraw",
    (DrawStatus.REVEALED, DrawStatus.SUPERSEDED): "redraw",
}


class Draw(models.Model):
    """One verifiable random draw (commit–reveal). ``seed_hash`` = sha256(seed) is published at
    creation, before execution; ``inputs`` are frozen then too; ``seed`` stays secret until
    revealed. Anyone can recompute ``run_draw(seed, inputs)`` (see draw.py)."""

    plan = models.ForeignKey(
        InspectionPlan, on_delete=models.PROTECT, related_name="draws", verbose_name=_("抽查计划")
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=DrawStatus.choices, default=DrawStatus.COMMITTED
    )
    seed_hash = models.CharField(_("种子哈希（SHA-256）"), max_length=64)
    seed = models.CharField(_("随机种子"), max_length=64, editable=False)
    inputs = models.JSONField(_("抽取输入"))
    result = models.JSONField(_("抽取结果"), null=True, blank=True)
    previous = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="redraw",
        verbose_name=_("被替代的抽取"),
    )
    redraw_reason = models.TextField(_("重新抽取原因"), blank=True)
    # A team left smaller than the plan's team size after recusal (回避后人员不足) is executed only
    # on this explicit confirmation; who confirmed and when are kept (and audited).
    short_team_accepted = models.BooleanField(_("确认回避后人员不足仍执行"), default=False)
    short_team_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("人员不足确认人"),
    )
    short_team_accepted_at = models.DateTimeField(_("人员不足确认时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("发起人"),
    )
    created_at = models.DateTimeField(_("承诺时间"), auto_now_add=True)
    executed_at = models.DateTimeField(_("抽取时间"), null=True, blank=True)
    revealed_at = models.DateTimeField(_("公开时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="plan__region", department="plan__department")
    # A draw is its plan's: the same posts execute it, reveal its seed, redraw it and accept
    # short teams (see ``InspectionPlan.write_rules``).
    write_rules = WriteRules(
        region="plan__region",
        department="plan__department",
        label="随机抽取",
        actions={
            action: (Allow(ACTING, OWNER),)
            for action in ("execute", "reveal", "redraw", "accept_short_teams")
        },
    )

    class Meta:
        verbose_name = _("随机抽取")
        verbose_name_plural = _("随机抽取")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.plan} · #{self.pk}"

    @property
    def seed_is_public(self) -> bool:
        return self.revealed_at is not None

    @property
    def public_seed(self) -> str:
        return self.seed if self.seed_is_public else ""
