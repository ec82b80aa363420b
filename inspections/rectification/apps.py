from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Chinese labels of the audited steps (audit pages, refusals of a step the table does not allow).
VERBS = {
    "draft": _("起草"),
    "issue": _("下达"),
    "discard": _("删除草稿"),
    "respond": _("报告整改情况"),
    "accept": _("验收通过"),
    "reject": _("验收不通过"),
    "close": _("销号"),
    "escalate": _("逾期升级"),
    "approve": _("批准"),
    "list": _("挂牌督办"),
    "progress": _("报告督办进展"),
    "record": _("登记"),
    "appeal": _("更新复议诉讼状态"),
    "end_publication": _("提前结束公示"),
    "acknowledge": _("签收（送达回证）"),
    "repair_apply": _("申请信用修复"),
    "repair_decide": _("审核信用修复申请"),
}


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
            models.NoticeReceipt,
            models.ResponseAttachment,
            models.PenaltyRepairApplication,
            models.RepairAttachment,
        ):
            auditlog.register(model)
        register_panel(rectification_panel)
        from .panels import register_todos

        register_todos()

        from institutions.public import register_public_detail_section

        from .public_sections import penalties, rectification_outcomes

        register_public_detail_section(rectification_outcomes)
        register_public_detail_section(penalties)

        from . import public

        public.register()

        from supervision.core.transitions import register_verbs

        register_verbs(VERBS)

        from credit.penalties import register_penalty_recorder

        from .models import PenaltyKind
        from .services.penalties import penalty_record

        # funds (a peer on the top floor) records the penalty of a subsidy fraud through here.
        register_penalty_recorder(penalty_record, kinds=PenaltyKind.choices)
        # Importing the services registers the escalation stage handler of the item clock
        # (``services.suspension.item_escalated``) with the deadline engine, once per process.
        from supervision.core.institution_menu import register_institution_page, register_institution_summary

        from . import (
            indicators,  # noqa: F401  (the dashboard's indicators, issue 16)
            services,  # noqa: F401
        )
        from .institution_menu import open_notices

        # The institution's side (issue 17): its notices, and its inspections in its record.
        register_institution_page(
            "notices",
            "整改通知",
            "institution_notices:notice_list",
            order=40,
            description="签收通知书、报送整改情况、查看验收结果",
        )
        register_institution_page(
            "record_inspections",
            "检查记录",
            "institution_notices:record_inspections",
            order=60,
            description="本机构的检查结果和发现的问题",
        )
        register_institution_summary(open_notices)
