"""Reports the institution files itself: drill photos and the timeliness of incident reports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from institutions.models import Drill, IncidentReport
from supervision.core.scoping import Scope, ScopedQuerySet

from .filing_models import PORTAL_SCOPE


class DrillPhoto(models.Model):
    """A photo of a drill, in the private file store (downloaded through the drill's scope)."""

    drill = models.ForeignKey(Drill, on_delete=models.CASCADE, related_name="photos", verbose_name=_("演练"))
    file = models.CharField(_("照片"), max_length=200, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("上传人"),
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="drill__institution__region", any_department=True, institution="drill__institution")

    class Meta:
        verbose_name = _("演练照片")
        verbose_name_plural = _("演练照片")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.drill} · 照片 {self.pk}"


class IncidentTimeliness(models.Model):
    """How an incident report met the reporting time of its kind: the limit (hours, with its
    source), when it was due, and whether it came late (迟报). Recorded when filed."""

    report = models.OneToOneField(
        IncidentReport, on_delete=models.CASCADE, related_name="timeliness", verbose_name=_("突发事件报告")
    )
    limit_hours = models.PositiveIntegerField(_("报告时限（小时）"))
    due_at = models.DateTimeField(_("应报告时间"))
    late = models.BooleanField(_("迟报"), default=False, db_index=True)
    late_minutes = models.PositiveIntegerField(_("迟报时长（分钟）"), default=0)
    source = models.CharField(_("时限依据"), max_length=300)
    house_default = models.BooleanField(_("本平台默认时限"), default=False)
    filed_by_institution = models.BooleanField(_("机构自行报送"), default=True)
    notified_departments = models.JSONField(_("已推送部门"), default=list)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(
        region="report__institution__region", any_department=True, institution="report__institution"
    )

    class Meta:
        verbose_name = _("报告时效")
        verbose_name_plural = _("报告时效")

    def __str__(self) -> str:
        return f"{self.report} · {'迟报' if self.late else '按时'}"


__all__ = ["PORTAL_SCOPE", "DrillPhoto", "IncidentTimeliness"]
