from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Regions, departments and their remits, users, assignments and row-level scoping."""

    name = "supervision.core"
    label = "core"
    verbose_name = _("组织与权限")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models, signals  # noqa: F401  (security-event signal handlers)

        for model in (models.Region, models.Department, models.Domain, models.Remit, models.Assignment):
            auditlog.register(model)
        auditlog.register(models.DepartmentTitle)
        auditlog.register(models.User, exclude_fields=["password", "last_login"])
