"""The effectiveness self-evaluation of 004 附件1 (养老服务监管效能评估表).

* ``Evaluation`` – one unit's form for one year (a township's or a county's), submitted to the
  level above through the shared workflow (``supervision.reports.workflow``).
* ``EvaluationEntry`` – one of the 50 rows: 已完成情况, 佐证材料, 未完成说明, and for the rows the
  portal computes, the registry figures of the last refresh (a snapshot, with their definitions).
* ``EvaluationEvidence`` – an evidence file of a row, kept in the private file store.
* ``EvaluationEvent`` – the timeline of steps.

The indicator texts and policy bases are data (``data/indicators_004.py``), not rows.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from supervision.core.scoping import Scope, ScopedQuerySet
from supervision.core.transitions import StepEvent
from supervision.reports.submission import STEP_LABELS, Submission, submission_rules

from .data.indicators_004 import BY_NUMBER, COMPUTED


class Evaluation(Submission):
    """One unit's 养老服务监管效能评估表 for one year."""

    year = models.PositiveSmallIntegerField(_("评估年度"))
    title = models.CharField(_("标题"), max_length=200, default="养老服务监管效能评估表")
    computed_at = models.DateTimeField(_("系统数据提取时间"), null=True, blank=True)
    # The special action it answers (004's 养老服务监管效能提升年), when there is one.
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evaluations",
        verbose_name=_("专项行动"),
    )

    write_rules = submission_rules("效能评估表")

    class Meta:
        verbose_name = _("效能评估表")
        verbose_name_plural = _("效能评估表")
        ordering = ["-year", "region__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year"],
                condition=models.Q(campaign__isnull=True),
                name="evaluation_one_per_unit_year",
            ),
            models.UniqueConstraint(
                fields=["region", "year", "campaign"], name="evaluation_one_per_unit_campaign"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region.name}{self.year}年{self.title}"

    def get_absolute_url(self) -> str:
        return reverse("evaluation:detail", args=[self.pk])

    def make_event(self, **fields: Any) -> EvaluationEvent:
        return EvaluationEvent(evaluation=self, **fields)


class Completion(models.TextChoices):
    DONE = "done", _("已完成")
    PARTLY = "partly", _("部分完成")
    NOT_DONE = "not_done", _("未完成")
    NOT_APPLICABLE = "not_applicable", _("不适用")


class EvaluationEntry(models.Model):
    """One indicator row of an evaluation, numbered as in 004 附件1 ("2.5")."""

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="entries", verbose_name=_("效能评估表")
    )
    number = models.CharField(_("指标序号"), max_length=5)
    completion = models.CharField(_("完成情况"), max_length=16, choices=Completion.choices, blank=True)
    completed_text = models.TextField(_("已完成情况"), blank=True)
    evidence_text = models.TextField(_("佐证材料"), blank=True)
    explanation = models.TextField(_("未完成说明"), blank=True)
    # For computed rows: [{code, name, value, unit, definition, source}] as of ``computed_at``.
    computed = models.JSONField(_("系统数据"), default=list, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("填写人"),
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="evaluation__region")

    class Meta:
        verbose_name = _("评估指标")
        verbose_name_plural = _("评估指标")
        ordering = ["evaluation_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "number"], name="evaluation_one_row_per_number")
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.text[:30]}"

    @property
    def text(self) -> str:
        return BY_NUMBER[self.number]["text"]

    @property
    def basis(self) -> str:
        return BY_NUMBER[self.number]["basis"]

    @property
    def group(self) -> str:
        return BY_NUMBER[self.number]["group"]

    @property
    def is_computed(self) -> bool:
        return self.number in COMPUTED


class EvaluationEvidence(models.Model):
    """An evidence file (文件、制度上墙照片、会议照片…) of one row, in the private file store."""

    entry = models.ForeignKey(
        EvaluationEntry, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("评估指标")
    )
    file = models.ForeignKey(
        "files.StoredFile", on_delete=models.PROTECT, related_name="+", verbose_name=_("文件")
    )
    description = models.CharField(_("说明"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("上传人"),
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="entry__evaluation__region")

    class Meta:
        verbose_name = _("佐证材料文件")
        verbose_name_plural = _("佐证材料文件")
        ordering = ["entry_id", "pk"]

    def __str__(self) -> str:
        return str(self.file)


class EvaluationEvent(StepEvent):
    """One step of an evaluation (填写、报送、审核、退回 with its reason)."""

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="events", verbose_name=_("效能评估表")
    )

    class Meta(StepEvent.Meta):
        verbose_name = _("评估办理记录")
        verbose_name_plural = _("评估办理记录")

    @property
    def step_label(self) -> str:
        return STEP_LABELS.get(self.step, self.step)
