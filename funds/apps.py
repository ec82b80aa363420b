from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Chinese labels of the audited steps of the funds procedures.
VERBS = {
    "submit": _("提交申报"),
    "review": _("民政审核"),
    "return": _("退回"),
    "reject": _("不予通过"),
    "approve": _("财政审批"),
    "pay": _("登记拨付"),
    "flag": _("标记疑点"),
    "review_flag": _("疑点复核"),
    "recover": _("下达追缴"),
    "repay": _("登记退回资金"),
    "commit": _("公布抽取参数"),
    "draw": _("执行抽取"),
    "complete": _("抽查完成"),
    "open": _("开展抽查"),
    "check": _("登记核查结果"),
    "add_lines": _("录入申报明细"),
    "import_lines": _("导入申报明细"),
    "stage": _("上传导入文件"),
    "apply": _("确认导入"),
    "discard": _("放弃导入"),
    "penalty": _("登记行政处罚决定书"),
}


class FundsConfig(AppConfig):
    """Subsidies and purchased services: programmes, claims, spot checks, anomaly flags,
    recovery of fraudulently obtained funds (issue 15). Deposits and fund-raising risk live in
    the sub-apps ``funds.deposits`` and ``funds.fundraising``; they share ``FundFlag``."""

    name = "funds"
    label = "funds"
    verbose_name = _("资金监管")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from supervision.core.transitions import register_verbs

        from . import models

        for model in models.AUDITED:
            auditlog.register(model)
        register_verbs(VERBS, model="funds.subsidyclaim")
        register_verbs(VERBS, model="funds.fundflag")
        register_verbs(VERBS, model="funds.spotcheckround")

        from supervision.core.workbench import register_panel

        from .panels import funds_panel

        register_panel(funds_panel)

        from . import file_tabs

        file_tabs.register()
        # An inspection's bed count (inspections, a peer) reaches funds through the registry.
        from institutions.bed_counts import register_bed_count_recorder

        from .services.spotchecks import verified_beds_record

        register_bed_count_recorder(verified_beds_record)

        from . import public

        public.register()
        from . import (
            indicators,  # noqa: F401  (the dashboard's indicators, issue 16)
            services,  # noqa: F401  (registers flag rules and stage handlers)
        )
