from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """The tamper-evident audit trail (see supervision/audit/__init__.py)."""

    name = "supervision.audit"
    label = "audit"
    verbose_name = _("审计日志")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from . import chain, keys, maintenance, signals  # noqa: F401  (chain appenders, key check)

        connection_created.connect(maintenance.register_sqlite_function, dispatch_uid="audit_sqlite_fn")
