from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReconciliationConfig(AppConfig):
    """Reconciliation of registration lists from the registration authorities (004 §二(三)(四))."""

    name = "institutions.reconciliation"
    label = "reconciliation"
    verbose_name = _("登记数据比对")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from supervision.core.workbench import register_panel

        from . import models
        from .views import worklist_panel

        # Staged rows are written in bulk (no signals); reviews and verifications are saved
        # one by one and therefore logged.
        for model in (
            models.RegistrationSource,
            models.ReconciliationRun,
            models.ReconciliationRow,
            models.WorkItem,
        ):
            auditlog.register(model)
        register_panel(worklist_panel)
