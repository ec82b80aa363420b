"""Campaigns and task lists (专项行动与任务清单, issue 16).

* ``Campaign`` – a special action organised by a department at a region (004: 阳谷县民政局's
  “养老服务监管效能提升年”; a fire-safety 清零见底 action), with its dates and state.
* ``CampaignPhase`` – its phases (004 三、: 部署排查, 整改提升, 总结提炼), each with its dates.
* ``CampaignTask`` – one task of the list, as 003 writes every task: a lead department (牵头部门),
  responsible departments (责任部门), and a report-by date (报送时限).
* ``TaskAssignment`` – one body (a department at a region) that reports on a task: the lead
  department, each responsible department, and — where the task asks every township to report
  (004 四、（四）) — each township's civil-affairs office. Each has its report-by clock in the
  deadline engine (rule ``campaign.report_by``, due pinned to the date the notice states); it is
  what a partner department or a township sees (``Scope``: region and department).
* ``TaskSubmission`` – a report with its optional attachment (private file store).
* ``AssignmentEvent`` – the timeline of an assignment's steps.

Liaison officers (联络员, 004 附件2) and training quotas (003 附件2) are in ``roster.py``.
The allowed state changes are the ``*_TRANSITIONS`` tables; only ``services`` writes states.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from supervision.core.models import Department, Region
from supervision.core.policy import ACTING, LIAISON, OWNER, Allow, WriteRules
from supervision.core.scoping import Scope, ScopedQuerySet
from supervision.core.transitions import StepEvent

from .querysets import AssignmentQuerySet, CampaignQuerySet, TaskQuerySet

REPORT_RULE = "campaign.report_by"


class CampaignKind(models.TextChoices):
    EFFICIENCY_YEAR = "efficiency_year", _("监管效能提升年")
    SPECIAL_ACTION = "special_action", _("专项整治行动")
    FIRE_CLEARANCE = "fire_clearance", _("消防安全隐患清零见底行动")
    TASK_LIST = "task_list", _("任务分工清单")


class CampaignState(models.TextChoices):
    DRAFT = "draft", _("筹备中")
    ACTIVE = "active", _("进行中")
    CLOSED = "closed", _("已结束")


CAMPAIGN_TRANSITIONS: dict[tuple[str, str], str] = {
    (CampaignState.DRAFT, CampaignState.ACTIVE): "launch_campaign",
    (CampaignState.ACTIVE, CampaignState.CLOSED): "close_campaign",
}

# The organising department's acting posts over the campaign's region manage it.
MANAGES = (Allow(ACTING, OWNER),)


class Campaign(models.Model):
    """A special action (专项行动) with its phases and task list."""

    title = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("类型"), max_length=20, choices=CampaignKind.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("组织区划"))
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("组织部门")
    )
    document_number = models.CharField(_("文号"), max_length=100, blank=True)
    source_document = models.CharField(_("依据文件"), max_length=300, blank=True)
    description = models.TextField(_("工作要求"), blank=True)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    state = models.CharField(
        _("状态"), max_length=10, choices=CampaignState.choices, default=CampaignState.DRAFT, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = CampaignQuerySet.as_manager()
    # The organiser (and the lead department, by the scope) sees the campaign in its region;
    # an assigned body sees it through its assignments (the scope extension in querysets).
    scope = Scope(region="region", department="department")
    write_rules = WriteRules(
        region="region", department="department", label="专项行动", actions={"manage": MANAGES}
    )

    class Meta:
        verbose_name = _("专项行动")
        verbose_name_plural = _("专项行动")
        ordering = ["-starts_on", "-pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("campaigns:detail", args=[self.pk])

    @property
    def organiser_name(self) -> str:
        return f"{self.region.name}{self.department.name}"


class CampaignPhase(models.Model):
    """One phase of a campaign (部署排查阶段 …), with its dates."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="phases", verbose_name=_("专项行动")
    )
    order = models.PositiveSmallIntegerField(_("序号"), default=1)
    name = models.CharField(_("阶段名称"), max_length=100)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    description = models.TextField(_("工作内容"), blank=True)

    class Meta:
        verbose_name = _("行动阶段")
        verbose_name_plural = _("行动阶段")
        ordering = ["campaign_id", "order", "pk"]

    def __str__(self) -> str:
        return self.name


class CampaignTask(models.Model):
    """One task of the list (任务清单), as 003 writes it: content, lead department, responsible
    departments, and the date by which progress is reported."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("专项行动")
    )
    phase = models.ForeignKey(
        CampaignPhase,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
        verbose_name=_("所属阶段"),
    )
    number = models.CharField(_("序号"), max_length=20, blank=True)
    title = models.CharField(_("任务"), max_length=200)
    content = models.TextField(_("任务内容"), blank=True)
    lead_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("牵头部门")
    )
    responsible_departments = models.ManyToManyField(
        Department, blank=True, related_name="+", verbose_name=_("责任部门")
    )
    townships_report = models.BooleanField(
        _("各乡镇（街道）报送"), default=False, help_text=_("辖区内每个乡镇（街道）民政办须报送")
    )
    report_by = models.DateField(_("报送时限"))
    source_article = models.CharField(_("依据条款"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = TaskQuerySet.as_manager()
    scope = Scope(region="campaign__region", department="campaign__department")

    class Meta:
        verbose_name = _("任务")
        verbose_name_plural = _("任务")
        ordering = ["campaign_id", "report_by", "pk"]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}" if self.number else self.title


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("牵头部门")
    RESPONSIBLE = "responsible", _("责任部门")
    TOWNSHIP = "township", _("乡镇（街道）")


class AssignmentState(models.TextChoices):
    PENDING = "pending", _("待报送")
    SUBMITTED = "submitted", _("已报送（待审核）")
    RETURNED = "returned", _("已退回（待补报）")
    ACCEPTED = "accepted", _("已通过")


A = AssignmentState
ASSIGNMENT_TRANSITIONS: dict[tuple[str, str], str] = {
    (A.PENDING, A.SUBMITTED): "submit_report",
    (A.RETURNED, A.SUBMITTED): "submit_report",
    (A.SUBMITTED, A.ACCEPTED): "accept_report",
    (A.SUBMITTED, A.RETURNED): "return_report",
}
DONE_STATES = (A.SUBMITTED, A.ACCEPTED)


def organiser_body(assignment: Any, obj: TaskAssignment) -> bool:
    """The post is of the campaign's organising body: its department, over its region."""
    campaign = obj.task.campaign
    return assignment.department_id == campaign.department_id and campaign.region.code.startswith(
        assignment.region.prefix
    )


organiser_body.label = "专项行动组织部门"  # type: ignore[attr-defined]


class TaskAssignment(models.Model):
    """One body that reports on a task (承办单位), with its report-by clock and its state."""

    task = models.ForeignKey(
        CampaignTask, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("任务")
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("承办部门")
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("承办区划"))
    role = models.CharField(_("分工"), max_length=12, choices=AssignmentRole.choices)
    state = models.CharField(
        _("状态"), max_length=10, choices=AssignmentState.choices, default=A.PENDING, db_index=True
    )
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_note = models.TextField(_("审核意见"), blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = AssignmentQuerySet.as_manager()
    # A partner department sees its own assignments, a township its township's, civil affairs
    # (the lead department) every assignment in its jurisdiction.
    scope = Scope(region="region", department="department")
    # The assigned body reports (its liaison carries the report); the organiser reviews.
    write_rules = WriteRules(
        region="region",
        department="department",
        label="任务报送",
        actions={
            "submit": (Allow(ACTING + LIAISON, OWNER),),
            "review": (Allow(ACTING, organiser_body, in_region=False),),
        },
    )

    class Meta:
        verbose_name = _("任务承办")
        verbose_name_plural = _("任务承办")
        ordering = ["task_id", "role", "region__code", "department_id"]
        constraints = [
            models.UniqueConstraint(fields=["task", "department", "region"], name="uniq_task_assignee")
        ]

    def __str__(self) -> str:
        return f"{self.task.title} · {self.body_name}"

    def get_absolute_url(self) -> str:
        return reverse("campaigns:assignment", args=[self.pk])

    @property
    def body_name(self) -> str:
        return f"{self.region.name}{self.department.name}"


class TaskSubmission(models.Model):
    """A report on an assignment (报送材料), with an optional attachment in the private store."""

    assignment = models.ForeignKey(
        TaskAssignment, on_delete=models.CASCADE, related_name="submissions", verbose_name=_("任务承办")
    )
    summary = models.TextField(_("报送内容"))
    file_path = models.CharField(_("附件"), max_length=200, blank=True)
    file_sha256 = models.CharField(_("附件 SHA-256"), max_length=64, blank=True)
    original_name = models.CharField(_("附件名称"), max_length=200, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("报送人"),
    )
    submitted_at = models.DateTimeField(_("报送时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="assignment__region", department="assignment__department")

    class Meta:
        verbose_name = _("报送材料")
        verbose_name_plural = _("报送材料")
        ordering = ["assignment_id", "submitted_at", "pk"]

    def __str__(self) -> str:
        return f"{self.assignment} · {self.submitted_at:%Y-%m-%d}"


class AssignmentEvent(StepEvent):
    """One step of an assignment (报送, 审核通过, 退回)."""

    assignment = models.ForeignKey(TaskAssignment, on_delete=models.CASCADE, related_name="events")

    class Meta(StepEvent.Meta):
        verbose_name = _("承办记录")
        verbose_name_plural = _("承办记录")


from .roster import LiaisonOfficer, TrainingQuota  # noqa: E402

AUDITED = (
    Campaign,
    CampaignPhase,
    CampaignTask,
    TaskAssignment,
    TaskSubmission,
    LiaisonOfficer,
    TrainingQuota,
)
