from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Fixed-format periodic statistical reports (统计报表) read from the indicator registry, and
    the one submission workflow (township → county → city) they share with the evaluation."""

    name = "supervision.reports"
    label = "reports"
    verbose_name = _("统计报表")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from supervision.core.transitions import register_verbs

        from . import models
        from .submission import STEP_LABELS

        register_verbs(STEP_LABELS, model="reports.report")

        auditlog.register(models.Report, exclude_fields=["updated_at"])
