"""Rules as configuration, the one table of obligations, reminders and notifications.

* ``Rule`` – a clock named by the documents (unit, length, stages, source, effective dates);
  ``RuleOverride`` – a region's own length or stages (the nearest ancestor's override wins).
* ``StagePlan`` – one distinct list of reminder stages; deadlines point at the plan they were
  opened with, so editing a rule never changes a running clock and the sweep can compare
  ``due`` against a handful of precomputed boundary dates in SQL.
* ``Deadline`` – one obligation: subject (any model), rule, start, due, state.
* ``Reminder`` – one stage of one deadline; UNIQUE (deadline, stage) is the proof that a
  stage is never sent twice.
* ``Notification`` – the in-app notification centre (and the e-mail outbox).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from supervision.core.models import RegionLevel
from supervision.core.policy import ADMINS, LEADERS, OWNER, Allow, WriteRules
from supervision.core.scoping import Scope, ScopedQuerySet

DEFAULT_STAGES: list[dict[str, Any]] = [
    {"stage": "before_5", "offset": -5},
    {"stage": "before_1", "offset": -1},
    {"stage": "due", "offset": 0},
    {"stage": "escalate", "offset": 1, "escalate": True},
]


def default_stages() -> list[dict[str, Any]]:
    return [dict(s) for s in DEFAULT_STAGES]


def validate_stages(value: Any) -> None:
    """Stages: a list of {"stage": str, "offset": int (working days, negative = before due),
    "escalate": bool (optional)}, stage names unique."""
    if not isinstance(value, list):
        raise ValidationError(_("提醒阶段必须是列表"))
    names = set()
    for item in value:
        if not isinstance(item, dict) or not isinstance(item.get("stage"), str) or not item["stage"]:
            raise ValidationError(_("每个提醒阶段须有名称（stage）"))
        if not isinstance(item.get("offset"), int) or isinstance(item.get("offset"), bool):
            raise ValidationError(
                _("提醒阶段“%(s)s”的偏移（offset）须为整数工作日"), params={"s": item["stage"]}
            )
        if len(item["stage"]) > 32:
            raise ValidationError(_("提醒阶段名称不超过 32 个字符"))
        if item["stage"] in names:
            raise ValidationError(_("提醒阶段名称重复：%(s)s"), params={"s": item["stage"]})
        names.add(item["stage"])


class Unit(models.TextChoices):
    WORKING_DAYS = "working_days", _("工作日")
    CALENDAR_DAYS = "calendar_days", _("自然日")


class Rule(models.Model):
    """A clock the documents prescribe. Editing a rule applies to clocks opened afterwards:
    a deadline keeps the length, version and stages it was opened with."""

    code = models.CharField(_("规则代码"), max_length=64, unique=True, help_text=_("如 filing.onsite_check"))
    name = models.CharField(_("名称"), max_length=100)
    unit = models.CharField(_("计时单位"), max_length=16, choices=Unit.choices, default=Unit.WORKING_DAYS)
    length = models.PositiveIntegerField(_("时限长度"))
    start_event = models.CharField(_("起算事件"), max_length=200, blank=True)
    department = models.ForeignKey(
        "core.Department",
        verbose_name=_("责任部门"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    level = models.PositiveSmallIntegerField(
        _("责任层级"), choices=RegionLevel.choices, null=True, blank=True
    )
    stages = models.JSONField(
        _("提醒阶段"),
        default=default_stages,
        validators=[validate_stages],
        help_text=_("工作日偏移，负数为到期前；escalate=true 的阶段提醒责任部门领导"),
    )
    source_document = models.CharField(_("依据文件"), max_length=300, blank=True)
    source_article = models.CharField(_("条款"), max_length=100, blank=True)
    source_quote = models.TextField(_("原文"), blank=True)
    note = models.TextField(_("说明"), blank=True)
    effective_from = models.DateField(_("生效日期"), null=True, blank=True)
    effective_to = models.DateField(_("失效日期"), null=True, blank=True)
    active = models.BooleanField(_("启用"), default=True)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("时限规则")
        verbose_name_plural = _("时限规则")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name  # people read the name; the code is for configuration (admin, API)

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A change to what a clock counts is a new version; deadlines record the version used.
        if self.pk:
            old = Rule.objects.filter(pk=self.pk).values("unit", "length", "stages").first()
            if old and (old["unit"], old["length"], old["stages"]) != (self.unit, self.length, self.stages):
                self.version += 1
                if kwargs.get("update_fields") is not None:
                    kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.effective_from and self.effective_to and self.effective_to < self.effective_from:
            raise ValidationError({"effective_to": _("失效日期不能早于生效日期")})

    def source_display(self) -> str:
        """The source in words: each document by its title, with its article (core.present)."""
        from supervision.core.present import source_label

        return source_label(self.source_document, self.source_article)


class RuleCase(models.TextChoices):
    """Cases of a rule the documents give their own period (a per-case override)."""

    KEY_FIRE_UNIT = "key_fire_unit", _("消防安全重点单位")


class RuleOverride(models.Model):
    """A region's own length and/or stages for a rule, or a case's (``case``: e.g. key fire units
    drill half-yearly under the yearly fire-drill rule, 000 (五)).

    A regional override applies to the region's subtree, and the override of the nearest
    ancestor (or the region itself) wins. A case override (``case`` set) applies to the clocks
    opened in that case, everywhere when ``region`` is empty or in the region's subtree, and
    wins over the regional ones for what it sets."""

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="overrides", verbose_name=_("规则"))
    region = models.ForeignKey(
        "core.Region",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("适用区划"),
        help_text=_("留空表示全部地区（仅用于按情形的调整）"),
    )
    case = models.CharField(
        _("适用情形"),
        max_length=32,
        choices=RuleCase.choices,
        blank=True,
        default="",
        help_text=_("留空表示该区划的一般调整"),
    )
    length = models.PositiveIntegerField(_("时限长度"), null=True, blank=True)
    stages = models.JSONField(_("提醒阶段"), null=True, blank=True, validators=[validate_stages])
    source_document = models.CharField(_("依据文件"), max_length=300, blank=True)
    source_article = models.CharField(_("条款"), max_length=100, blank=True)
    source_quote = models.TextField(_("原文"), blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("规则地区调整")
        verbose_name_plural = _("规则地区调整")
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "region", "case"],
                condition=Q(region__isnull=False),
                name="uniq_rule_override",
            ),
            models.UniqueConstraint(
                fields=["rule", "case"], condition=Q(region__isnull=True), name="uniq_rule_case_override"
            ),
        ]

    def __str__(self) -> str:
        where = self.region.name if self.region_id else str(_("全部地区"))  # type: ignore[union-attr]
        case = f" · {self.get_case_display()}" if self.case else ""
        return f"{self.rule.code} @ {where}{case}"

    def clean(self) -> None:
        if self.length is None and self.stages is None:
            raise ValidationError(_("请至少调整时限长度或提醒阶段之一"))
        if self.region_id is None and not self.case:
            raise ValidationError({"region": _("一般调整须指定适用区划；全部地区的调整请修改规则本身")})


class StagePlan(models.Model):
    """One distinct list of reminder stages (content-addressed by ``key``)."""

    key = models.CharField(max_length=64, unique=True)
    stages = models.JSONField()

    class Meta:
        verbose_name = _("提醒方案")
        verbose_name_plural = _("提醒方案")

    def __str__(self) -> str:
        return ", ".join(f"{s['stage']}({s['offset']:+d})" for s in self.stages)

    @staticmethod
    def key_for(stages: list[dict[str, Any]]) -> str:
        canonical = json.dumps(
            sorted(
                (
                    {"stage": s["stage"], "offset": int(s["offset"]), "escalate": bool(s.get("escalate"))}
                    for s in stages
                ),
                key=lambda s: (s["offset"], s["stage"]),
            ),
            sort_keys=True,
            ensure_ascii=False,
        )
        return hashlib.sha256(canonical.encode()).hexdigest()


class DeadlineState(models.TextChoices):
    OPEN = "open", _("进行中")
    MET = "met", _("已完成")
    OVERDUE = "overdue", _("已逾期")
    WAIVED = "waived", _("已豁免")


LIVE_STATES = (DeadlineState.OPEN, DeadlineState.OVERDUE)


class Deadline(models.Model):
    """One obligation on one subject under one rule. ``due`` is computed once, by the calendar
    service, when the clock opens (and again only when a provisional year gets published)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    subject_repr = models.CharField(_("事项对象"), max_length=200, blank=True)
    rule = models.ForeignKey(Rule, on_delete=models.PROTECT, related_name="deadlines", verbose_name=_("规则"))
    rule_version = models.PositiveIntegerField(_("规则版本"), default=1)
    unit = models.CharField(_("计时单位"), max_length=16, choices=Unit.choices)
    length = models.PositiveIntegerField(_("时限长度"))
    stage_plan = models.ForeignKey(StagePlan, on_delete=models.PROTECT, related_name="+")
    start = models.DateField(_("起算日"))
    due = models.DateField(_("到期日"))
    provisional = models.BooleanField(
        _("暂定"), default=False, help_text=_("计算跨入尚未公布放假安排的年度，公布后重新计算")
    )
    pinned = models.BooleanField(
        _("以文书载明日期为准"),
        default=False,
        help_text=_("到期日已写入发出的文书（如整改通知书），公布放假安排后不再重新计算"),
    )
    department = models.ForeignKey(
        "core.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("责任部门"),
    )
    region = models.ForeignKey(
        "core.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("责任区划")
    )
    state = models.CharField(
        _("状态"), max_length=10, choices=DeadlineState.choices, default=DeadlineState.OPEN
    )
    note = models.CharField(_("备注"), max_length=300, blank=True)
    met_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    met_by_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    met_by_id = models.PositiveBigIntegerField(null=True, blank=True)
    met_by_repr = models.CharField(_("完成依据"), max_length=200, blank=True)
    waived_reason = models.TextField(_("豁免理由"), blank=True)
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("豁免人"),
    )
    waived_at = models.DateTimeField(_("豁免时间"), null=True, blank=True)
    # Set once the plan's last stage has been claimed: the sweep then never looks at the row again.
    reminders_done = models.BooleanField(default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="region", department="department")
    # Waiving a clock releases the responsible department from an obligation the documents set:
    # a decision for its leaders (and its administrators) over the clock's region, never another
    # department's (a civil-affairs leader does not waive fire rescue's rectification clock).
    # Handing a clock to another body is an administrator's correction. Procedures that close
    # their own clocks under their own rules (an exit waives the drill clocks) act as SYSTEM.
    write_rules = WriteRules(
        region="region",
        department="department",
        label="时限事项",
        actions={
            "waive": (Allow(LEADERS + ADMINS, OWNER),),
            "reassign": (Allow(ADMINS, OWNER),),
        },
    )

    class Meta:
        verbose_name = _("时限事项")
        verbose_name_plural = _("时限事项")
        ordering = ["due", "pk"]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="deadline_subject"),
            # The sweep: an index range scan over live clocks whose reminders are not finished.
            models.Index(
                fields=["due"],
                name="deadline_sweep",
                condition=Q(state__in=["open", "overdue"], reminders_done=False),
            ),
            # Marking overdue: open clocks by due date.
            models.Index(fields=["due"], name="deadline_open_due", condition=Q(state="open")),
            models.Index(fields=["region", "state", "due"], name="deadline_region_state"),
        ]
        constraints = [
            # One live clock per subject and rule: what makes deadline_open idempotent.
            models.UniqueConstraint(
                fields=["content_type", "object_id", "rule"],
                condition=Q(state__in=["open", "overdue"]),
                name="uniq_live_deadline",
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule.name} · {self.subject_repr} · {self.due:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("deadlines:detail", args=[self.pk])

    @property
    def is_live(self) -> bool:
        return self.state in LIVE_STATES

    def workdays_left(self) -> int | None:
        """Working days from today to due (negative when overdue); None outside the calendar."""
        from supervision.workcal.services import CalendarRangeError, workdays_between

        try:
            return workdays_between(timezone.localdate(), self.due)
        except CalendarRangeError:
            return None


class Reminder(models.Model):
    """One stage of one deadline, claimed by exactly one sweep (``sweep_id``). Its notifications
    are created afterwards by the delivery task, which claims the row by setting ``delivered_at``
    (NULL = claimed, not yet delivered). Stages superseded by a later one during catch-up are not
    stored at all since the sweep compares stage boundaries; ``delivered`` is False only on rows
    written by older sweeps that recorded them."""

    # No index of its own on deadline or sweep_id: the unique (deadline, stage) index serves
    # lookups by deadline, and every index is paid for on each row a sweep claims.
    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="reminders", db_index=False)
    stage = models.CharField(_("提醒阶段"), max_length=32)
    escalate = models.BooleanField(_("升级督办"), default=False)
    delivered = models.BooleanField(_("已发送"), default=True)
    sweep_id = models.CharField(max_length=32)
    sent_at = models.DateTimeField(_("发送时间"))
    recipients = models.PositiveIntegerField(_("接收人数"), default=0)
    delivered_at = models.DateTimeField(_("通知生成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("提醒记录")
        verbose_name_plural = _("提醒记录")
        ordering = ["sent_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["deadline", "stage"], name="uniq_reminder_stage")]
        indexes = [
            # Delivery claims the undelivered rows (IS NULL) and then finds its own (= stamp).
            models.Index(fields=["delivered_at"], name="reminder_delivered_at"),
        ]

    def __str__(self) -> str:
        return f"{self.deadline_id}:{self.stage}"


class NotificationKind(models.TextChoices):
    REMINDER = "reminder", _("到期提醒")
    ESCALATION = "escalation", _("逾期督办")
    RECOMPUTED = "recomputed", _("期限调整")
    INFO = "info", _("通知")


class Notification(models.Model):
    """An in-app notification (and its e-mail, sent after commit)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("接收人"),
    )
    kind = models.CharField(
        _("类型"), max_length=16, choices=NotificationKind.choices, default=NotificationKind.INFO
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    deadline = models.ForeignKey(
        Deadline, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    reminder = models.ForeignKey(
        Reminder, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "created_at"], name="notification_user"),
            models.Index(fields=["user"], name="notification_unread", condition=Q(read_at__isnull=True)),
        ]
        constraints = [
            # A reminder notifies each user once, even if two deliveries overlapped.
            models.UniqueConstraint(fields=["reminder", "user"], name="uniq_notification_reminder_user")
        ]

    def __str__(self) -> str:
        return self.title
