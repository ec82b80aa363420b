from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

VERBS = {
    "record_risk": _("登记非法集资风险"),
    "add_evidence": _("补充证据"),
    "refer_risk": _("移送金融监管、公安"),
    "close_risk": _("风险处置办结"),
    "record_screening": _("登记风险排查"),
}


class FundraisingConfig(AppConfig):
    """Illegal fund-raising risk (以养老服务为名的非法集资风险排查, 000 (三), 004 (十))."""

    name = "funds.fundraising"
    label = "fundraising"
    verbose_name = _("非法集资风险排查")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from supervision.core.transitions import register_verbs

        from . import models

        for model in models.AUDITED:
            auditlog.register(model)
        register_verbs(VERBS)
