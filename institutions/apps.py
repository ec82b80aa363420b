from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstitutionsConfig(AppConfig):
    """Who is supervised: institutions, filings, registrations, staff, ratings, drills, exits."""

    name = "institutions"
    verbose_name = _("养老服务机构")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import models

        for model in (
            models.Institution,
            models.Filing,
            models.OnsiteCheck,
            models.Appointment,
            models.Staff,
            models.Certificate,
            models.TrainingRecord,
            models.GradeRating,
            models.GradeThreshold,
            models.EmergencyPlan,
            models.Drill,
            models.IncidentReport,
            models.ExitPlan,
            models.InstitutionRestriction,
            models.PersonRestriction,
        ):
            auditlog.register(model)
        # Persons: only the masked ID ever reaches the log.
        auditlog.register(models.Person, exclude_fields=["id_hash"])
        # Public pages: cache invalidation hooks and the open-data feed must be registered in
        # every process (Celery workers too), not only once the web process loads its URLs.
        from supervision.core.workbench import register_panel

        from . import public  # noqa: F401
        from .panels import register_todos, registry_panel

        register_panel(registry_panel)
        register_todos()
        # The institution file (一户一档): the registry's own tabs and badges; the apps above
        # register theirs (inspections, complaints, credit, penalties, documents, funds).
        from . import file_tabs

        file_tabs.register()
        from . import (
            evaluation_indicators,  # noqa: F401  (004 附件1 and report indicators)
            indicators,  # noqa: F401  (the dashboard's indicators, issue 16)
        )
