from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeadlinesConfig(AppConfig):
    """Rules as configuration, the one table of obligations, reminders and notifications."""

    name = "supervision.deadlines"
    label = "deadlines"
    verbose_name = _("期限与提醒")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from supervision.core.workbench import register_panel
        from supervision.workcal import services as workcal

        from . import models, panels, services

        auditlog.register(models.Rule)
        auditlog.register(models.RuleOverride)
        auditlog.register(models.Deadline, exclude_fields=["updated_at", "reminders_done"])
        register_panel(panels.my_due_work)
        panels.register_todos()
        listen = getattr(workcal, "register_schedule_listener", None)
        if listen is not None:
            listen(services.recompute_provisional)
        from . import indicators  # noqa: F401  (the dashboard's indicators, issue 16)
