from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    """Referrals (抄告) of any subject to the department whose remit covers it, with their clocks."""

    name = "supervision.referrals"
    label = "referrals"
    verbose_name = _("抄告移送")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from supervision.core.scoping import _extensions, register_scope_extension
        from supervision.core.workbench import register_panel

        from . import models, panels
        from .querysets import referred_scope_extension

        auditlog.register(models.Referral, exclude_fields=["updated_at"])
        auditlog.register(models.ReferralHop)
        if referred_scope_extension not in _extensions:
            register_scope_extension(referred_scope_extension)
        register_panel(panels.awaiting_my_department)
        panels.register_todos()
