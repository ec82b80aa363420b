from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    """How problems are found: item lists, inspectors, plans and random draws, inspections, findings."""

    name = "inspections"
    verbose_name = _("监督检查")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from supervision.core.scoping import register_scope_extension
        from supervision.core.workbench import register_panel

        from . import models
        from .panels import major_hazards_panel
        from .querysets import joint_inspection_scope

        for model in (
            models.InspectionItem,
            models.Inspector,
            models.InspectorConflict,
            models.InspectionPlan,
            models.Draw,
            models.Inspection,
            models.InspectorConfirmation,
            models.ItemResult,
            models.Evidence,
            models.Finding,
        ):
            auditlog.register(model, exclude_fields=["seed"] if model is models.Draw else None)
        register_scope_extension(joint_inspection_scope)
        register_panel(major_hazards_panel)
        from .panels import register_todos

        register_todos()
        from . import file_tabs

        file_tabs.register()

        from supervision.core.transitions import register_verbs

        register_verbs(models.VERBS)
        # Credit sits on the floor below: its grades raise the draw's risk class (001 (十二)).
        from django.apps import apps

        from . import evaluation_indicators  # noqa: F401  (004 附件1 and report indicators)

        if apps.is_installed("credit"):
            from credit.services import risk_source

            from .risk import register_risk_source

            register_risk_source(risk_source)

        from institutions.public import register_public_detail_section

        from .public_sections import published_results

        register_public_detail_section(published_results)

        from . import public

        public.register()
        from . import indicators  # noqa: F401  (the dashboard's indicators, issue 16)
