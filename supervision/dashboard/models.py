"""The dashboard's cache: one snapshot of figures per region and period."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DashboardSnapshot(models.Model):
    """The figures of one region over one period, as the lead department sees them (the whole
    region). Written on first view and refreshed by the beat task ``dashboard.refresh``; the
    page shows ``computed_at``. Users who see less than the whole region get live figures."""

    region = models.ForeignKey(
        "core.Region", on_delete=models.CASCADE, related_name="+", verbose_name=_("区划")
    )
    period_key = models.CharField(_("统计期"), max_length=30)
    payload = models.JSONField(_("数据"), default=dict)
    computed_at = models.DateTimeField(_("计算时间"))
    compute_ms = models.PositiveIntegerField(_("计算耗时（毫秒）"), default=0)

    class Meta:
        verbose_name = _("驾驶舱数据快照")
        verbose_name_plural = _("驾驶舱数据快照")
        constraints = [
            models.UniqueConstraint(fields=["region", "period_key"], name="uniq_dashboard_snapshot")
        ]

    def __str__(self) -> str:
        return f"{self.region_id}:{self.period_key}"
