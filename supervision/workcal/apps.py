from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkcalConfig(AppConfig):
    """The working-day calendar: official holidays, make-up workdays and their overrides."""

    name = "supervision.workcal"
    label = "workcal"
    verbose_name = _("工作日历")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models, signals  # noqa: F401  (index invalidation on save/delete)

        auditlog.register(models.CalendarDay)
        auditlog.register(models.YearSchedule)
