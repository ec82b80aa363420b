from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    """The 50-indicator effectiveness self-evaluation of 004 附件1 (养老服务监管效能评估表)."""

    name = "supervision.evaluation"
    label = "evaluation"
    verbose_name = _("监管效能评估")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from supervision.core.transitions import register_verbs
        from supervision.reports.submission import STEP_LABELS

        from . import models

        register_verbs(STEP_LABELS, model="evaluation.evaluation")
        auditlog.register(models.Evaluation, exclude_fields=["updated_at"])
        auditlog.register(models.EvaluationEntry)
        auditlog.register(models.EvaluationEvidence)
