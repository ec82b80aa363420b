from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    """The ledger of trust: credit records, grades, the joint-punishment list, industry bans."""

    name = "credit"
    verbose_name = _("信用监管")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from supervision.core.workbench import register_panel

        from . import models
        from .views import workbench_panel

        for model in (
            models.CreditRecord,
            models.GradingRule,
            models.GradeThreshold,
            models.CreditGrade,
            models.ListingPolicy,
            models.ListingProposal,
        ):
            auditlog.register(
                model, exclude_fields=["decision_pdf"] if model is models.ListingProposal else None
            )
        register_panel(workbench_panel)

        from institutions.public import register_public_detail_section

        from .public_sections import list_status

        register_public_detail_section(list_status)

        from supervision.workcal.services import register_schedule_listener

        register_schedule_listener(recount_objection_dues)

        from . import public

        public.register()


def recount_objection_dues(year: int) -> None:
    """Schedule listener: a published year recounts provisional objection deadlines."""
    from .services import objection_dues_recompute

    objection_dues_recompute(year)
