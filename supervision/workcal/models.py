"""Calendar overrides and per-year publication status.

The ``chinesecalendar`` package is the base for the years it knows; ``CalendarDay`` rows
override it (and the statutory base of years it does not know); ``YearSchedule`` records
whether the State Council's schedule for a year has been published and entered here.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("休息日（节假日）")
    WORKDAY = "workday", _("工作日（调休上班）")


class CalendarDay(models.Model):
    """One override: this date is a holiday or a working day, whatever the base says."""

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=DayKind.choices)
    name = models.CharField(_("名称"), max_length=64, blank=True, help_text=_("如：春节、国庆节调休上班"))
    note = models.CharField(_("备注"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("日历调整")
        verbose_name_plural = _("日历调整")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.name}".strip()


class YearSchedule(models.Model):
    """A year's holiday schedule: published (entered from the State Council notice) or not.

    A year that ``chinesecalendar`` does not know and that is not published here is counted
    from the statutory holidays alone, and every date in it is provisional."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    published = models.BooleanField(_("已发布"), default=False)
    source = models.CharField(
        _("发布文件"), max_length=128, blank=True, help_text=_("如：国办发明电〔2026〕X号")
    )
    published_at = models.DateTimeField(_("发布录入时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("备注"), max_length=255, blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("年度放假安排")
        verbose_name_plural = _("年度放假安排")

    def __str__(self) -> str:
        return f"{self.year}"
