from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilesConfig(AppConfig):
    """The private file store: type by content, size limits, EXIF stripped, SHA-256, served only
    through the owning object's view."""

    name = "supervision.files"
    label = "files"
    verbose_name = _("文件存储")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from . import checks  # noqa: F401  (registers the storage-location check)
        from .models import StoredFile

        auditlog.register(StoredFile)
