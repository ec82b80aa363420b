from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    """Complaints and reports (投诉举报): intake, routing by remit, feedback clock."""

    name = "inspections.complaints"
    label = "complaints"
    verbose_name = _("投诉举报")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from inspections.risk import register_risk_source
        from supervision.publicity.registry import register_public_section

        from . import public_data
        from .models import Complaint, ComplaintPhoto
        from .services import risk_source

        auditlog.register(Complaint)
        auditlog.register(ComplaintPhoto)
        register_risk_source(risk_source)  # complaint counts raise the draw's risk class
        public_data.register()
        register_public_section(
            "complaints",
            _("投诉举报"),
            "public_complaints:form",
            70,
            _("在线投诉举报，凭查询码查看办理进度和答复"),
        )
        register_public_section(
            "complaint_track",
            _("投诉办理进度查询"),
            "public_complaints:track",
            71,
            _("输入查询码查看办理状态"),
        )
        from . import indicators  # noqa: F401  (the dashboard's indicators, issue 16)
