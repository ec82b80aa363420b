"""Statistical reports (统计报表): one ``Report`` per format, reporting unit and period, with the
figures read from the indicator registry when it was filled (a snapshot: what was submitted
stays what the level above reviewed), and the timeline of its steps."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from supervision.core.transitions import StepEvent

from .formats import FORMAT_CHOICES, FORMATS, ReportFormat
from .submission import STEP_LABELS, Submission, submission_rules


class Report(Submission):
    """One periodic report of one unit (填报单位 = its region's civil affairs)."""

    format = models.CharField(_("报表"), max_length=12, choices=FORMAT_CHOICES, db_index=True)
    period_key = models.CharField(_("统计期代码"), max_length=24)
    period_start = models.DateField(_("统计期起"))
    period_end = models.DateField(_("统计期止"))
    period_label = models.CharField(_("统计期"), max_length=40)
    values = models.JSONField(_("指标数值"), default=list, blank=True)
    computed_at = models.DateTimeField(_("数据提取时间"), null=True, blank=True)
    note = models.TextField(_("填报说明"), blank=True)

    write_rules = submission_rules("统计报表")

    class Meta:
        verbose_name = _("统计报表")
        verbose_name_plural = _("统计报表")
        ordering = ["-period_end", "format", "region__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["format", "region", "period_key"], name="reports_one_per_unit_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.region.name} {self.period_label}{self.title}"

    @property
    def spec(self) -> ReportFormat:
        return FORMATS[self.format]

    @property
    def title(self) -> str:
        return self.spec.title

    def get_absolute_url(self) -> str:
        return reverse("reports:detail", args=[self.pk])

    def make_event(self, **fields: Any) -> ReportEvent:
        return ReportEvent(report=self, **fields)

    def sections(self) -> list[tuple[str, list[dict[str, Any]]]]:
        """The snapshot grouped by section, in the format's order."""
        out: list[tuple[str, list[dict[str, Any]]]] = []
        for row in self.values:
            if not out or out[-1][0] != row["section"]:
                out.append((row["section"], []))
            out[-1][1].append(row)
        return out


class ReportEvent(StepEvent):
    """One step of a report (报送、审核、退回 with its reason)."""

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="events", verbose_name=_("统计报表")
    )

    class Meta(StepEvent.Meta):
        verbose_name = _("报表办理记录")
        verbose_name_plural = _("报表办理记录")

    @property
    def step_label(self) -> str:
        return STEP_LABELS.get(self.step, self.step)
