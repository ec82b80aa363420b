from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RectificationConfig(AppConfig):
    """Rectification notices, acceptance, escalation, listed supervision and penalties."""

    name = "inspections.rectification"
    label = "rectification"
    verbose_name = _("整改与处罚")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from supervision.core.workbench import register_panel

        from . import models
        from .panels import rectification_panel

        for model in (
            models.RectificationNotice,
            models.NoticeItem,
            models.ItemResponse,
            models.Acceptance,
            models.SuspensionOrder,
            models.ListedSupervision,
            models.ListingProgress,
            models.Penalty,
        ):
            auditlog.register(model)
        register_panel(rectification_panel)

        from institutions.public import register_public_detail_section

        from .public_sections import penalties, rectification_outcomes

        register_public_detail_section(rectification_outcomes)
        register_public_detail_section(penalties)

        from . import public

        public.register()
