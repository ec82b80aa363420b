from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

VERBS = {
    "open_account": _("登记监管专户"),
    "close_account": _("撤销监管专户"),
    "report_balance": _("登记专户余额"),
    "record_fee": _("登记押金/预收费"),
    "record_refund": _("登记退费"),
    "import_ledger": _("导入台账"),
    "run_checks": _("资金核查"),
    "respond_flag": _("机构说明情况"),
    "escalate_flag": _("逾期升级"),
    "set_policy": _("设置资金监管规则"),
}


class DepositsConfig(AppConfig):
    """Deposits, guarantees and prepaid fees in escrow (押金、保证金、预收费专户监管, issue 15)."""

    name = "funds.deposits"
    label = "deposits"
    verbose_name = _("押金与预收费监管")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from institutions.public import register_public_detail_section
        from supervision.core.transitions import register_verbs

        from . import models, public_sections, services  # noqa: F401  (services registers rules and handlers)

        for model in models.AUDITED:
            auditlog.register(model)
        register_verbs(VERBS)
        register_public_detail_section(public_sections.escrow_status)
        from . import evaluation_indicators  # noqa: F401  (004 附件1 indicators)
