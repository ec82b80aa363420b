from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    """Official documents: gapless numbering, PDF rendering with Chinese fonts, immutable storage."""

    name = "supervision.documents"
    label = "documents"
    verbose_name = _("公文")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import DocumentCounter, OfficialDocument

        auditlog.register(OfficialDocument, exclude_fields=["pdf", "source_html"])
        auditlog.register(DocumentCounter)
