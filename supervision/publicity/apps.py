from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicityConfig(AppConfig):
    """Public disclosure framework: home, policy pages, open data and the change feed."""

    name = "supervision.publicity"
    label = "publicity"
    verbose_name = _("信息公开")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .datasets import register_builtin
        from .models import PolicyPage

        auditlog.register(PolicyPage)
        register_builtin()
        from . import evaluation_indicators  # noqa: F401  (004 附件1 indicators)
