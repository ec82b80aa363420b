from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstitutionPortalConfig(AppConfig):
    """The institution's side (机构端) of the registry: accounts, online filing, disclosure and
    reports filed by the institution itself (issue 17)."""

    name = "institutions.portal"
    label = "institution_portal"
    verbose_name = _("机构端")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from supervision.core.institution_menu import register_institution_page
        from supervision.core.scoping import register_institution_resolver

        from . import models
        from .accounts import institution_of_user

        register_institution_resolver(institution_of_user)
        for model in (
            models.InstitutionAccount,
            models.FilingApplication,
            models.FirstResident,
            models.DisclosureChange,
            models.QualityDisclosure,
            models.DisclosureRule,
            models.DrillPhoto,
            models.IncidentTimeliness,
        ):
            auditlog.register(model, exclude_fields=[])
        # A one-time code is recorded without its digest (the digest is a credential).
        auditlog.register(models.SignInCode, exclude_fields=["digest"])
        register_institution_page(
            "filing",
            "在线备案",
            "institution_portal:filing",
            order=10,
            description="备案申请、书面承诺与备案回执",
        )
        register_institution_page(
            "disclosure",
            "公开信息维护",
            "institution_portal:disclosure",
            order=20,
            description="基本信息、收费标准、投诉电话、服务质量信息",
        )
        register_institution_page(
            "reports",
            "预案、演练与突发事件报告",
            "institution_portal:reports",
            order=30,
            description="应急预案、演练（含照片）、突发事件和疫情报告",
        )
        register_institution_page("account", "本机构账户", "institution_portal:account", order=90)
        # The institution page (一户一档): its accounts, for civil affairs.
        from institutions.dossier import register_tab

        from .staff_views import accounts_count, accounts_render

        register_tab("accounts", "机构账户", 97, accounts_count, accounts_render)
        from .report_views import reported_count, reported_render

        register_tab("reported", "机构报送", 85, reported_count, reported_render)
        # The published service-quality data (004 (五)) on the public page.
        from .public import register as register_public

        register_public()
        # The clocks on an institution remind its accounts too.
        from .reminders import register as register_reminders

        register_reminders()
        from .summaries import register as register_summaries

        register_summaries()
