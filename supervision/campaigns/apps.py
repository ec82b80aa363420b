from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

VERBS = {
    "create_campaign": _("发起专项行动"),
    "edit_campaign": _("修改专项行动"),
    "launch_campaign": _("启动专项行动"),
    "close_campaign": _("结束专项行动"),
    "add_campaign_phase": _("新增阶段"),
    "add_campaign_task": _("新增任务"),
    "submit_report": _("报送任务进展"),
    "accept_report": _("审核通过报送"),
    "return_report": _("退回补报"),
    "record_liaison": _("登记联络员"),
    "edit_liaison": _("修改联络员"),
    "record_training_quota": _("登记培训任务"),
}


class CampaignsConfig(AppConfig):
    """Campaigns and task lists (专项行动与任务清单, issue 16): special actions with phases, tasks
    for a lead and responsible departments with report-by clocks, submissions, liaison officers
    and training quotas."""

    name = "supervision.campaigns"
    label = "campaigns"
    verbose_name = _("专项行动与任务清单")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from supervision.core.scoping import register_scope_extension
        from supervision.core.transitions import register_verbs

        from . import models
        from .querysets import assignee_scope_extension

        for model in models.AUDITED:
            auditlog.register(model)
        register_verbs(VERBS)
        register_scope_extension(assignee_scope_extension)
