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
            models.ProposalAttachment,
        ):
            auditlog.register(
                model, exclude_fields=["decision_pdf"] if model is models.ListingProposal else None
            )
        register_panel(workbench_panel)
        from . import file_tabs, workbench

        workbench.register_todos()
        file_tabs.register()
        from institutions.public import register_public_detail_section

        from . import evaluation_indicators  # noqa: F401  (004 附件1 indicators)
        from .public_sections import list_status

        register_public_detail_section(list_status)

        from supervision.core.transitions import register_verbs
        from supervision.deadlines.services import register_stage_handler

        from .models import OBJECTION_RULE
        from .services import STEP_LABELS, objection_window_closed

        # The procedure's transition steps ("create" is every app's verb: not ours to name).
        register_verbs({k: v for k, v in STEP_LABELS.items() if k != "create"})
        # The objection window is a Deadline: its provisional due date is recounted by the
        # engine when a year's holidays are published, and its close is this stage handler.
        register_stage_handler(OBJECTION_RULE, "closed")(objection_window_closed)

        from . import public

        public.register()
        from supervision.core.institution_menu import register_institution_page

        from . import indicators  # noqa: F401  (the dashboard's indicators, issue 16)

        # The institution's side (issue 17): its credit record and its listing procedures.
        register_institution_page(
            "record",
            "信用记录",
            "institution_credit:record",
            order=50,
            description="信用等级及其依据的信用记录",
        )
        register_institution_page(
            "record_listings",
            "名单与限制措施",
            "institution_credit:record_listings",
            order=55,
            description="列入名单的期限与限制措施",
        )
        register_institution_page(
            "objections",
            "陈述申辩",
            "institution_credit:proposal_list",
            order=45,
            description="拟列入名单的告知、陈述申辩、决定和提前移出申请",
        )
