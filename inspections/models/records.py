"""Inspections: the record, confirmations, item results and evidence."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from institutions.models import Institution
from supervision.core.models import Department
from supervision.core.policy import ACTING, OWNER, Allow, WriteRules
from supervision.core.scoping import Scope, ScopedQuerySet

from .draws import Draw
from .inspectors import Inspector
from .items import InspectionItem
from .plans import InspectionPlan

# --- Inspections -------------------------------------------------------------------------------


class InspectionKind(models.TextChoices):
    ROUTINE = "routine", _("双随机抽查")
    SPECIAL = "special", _("专项检查")
    COMPLAINT = "complaint", _("投诉举报/线索核查（不预先通知）")
    REINSPECTION = "reinspection", _("复查")
    JOINT = "joint", _("联合检查")


class InspectionStatus(models.TextChoices):
    PLANNED = "planned", _("待检查")
    IN_PROGRESS = "in_progress", _("检查中")
    CLOSED = "closed", _("已办结")
    PUBLISHED = "published", _("已公开")
    CANCELLED = "cancelled", _("已取消")


IS = InspectionStatus
INSPECTION_TRANSITIONS: dict[tuple[str, str], str] = {
    (IS.PLANNED, IS.IN_PROGRESS): "record",
    (IS.PLANNED, IS.CLOSED): "close",
    (IS.IN_PROGRESS, IS.CLOSED): "close",
    (IS.CLOSED, IS.PUBLISHED): "publish",
    (IS.PLANNED, IS.CANCELLED): "cancel",
}


# Chinese labels of the steps above and the other audited verbs of this app (registered in
# apps.py; the transition helper names a refused step by them). The registry is shared by every
# app, so the common verbs carry their common labels.
VERBS: dict[str, str] = {
    "commit": "发起随机抽取",
    "execute": "执行抽取",
    "reveal": "公开随机种子",
    "redraw": "重新抽取",
    "accept_short_teams": "确认人员不足仍执行",
    "plan": "生成检查任务",
    "record": "录入",
    "sign": "签字确认",
    "refuse_to_sign": "记录拒签",
    "confirm": "确认",
    "upload": "上传",
    "close": "办结",
    "publish": "公开",
    "cancel": "取消",
    "grade": "调整隐患等级",
    "flag_for_referral": "移交监管部门",
}


class Conclusion(models.TextChoices):
    COMPLIANT = "compliant", _("未发现问题")
    ISSUES = "issues", _("发现问题，责令整改")
    SERIOUS = "serious", _("发现重大隐患")
    CLOSED_DOWN = "not_found", _("未发现检查对象（停业/失联）")


def _inspecting_department(assignment: Any, inspection: Any) -> bool:
    """The relation of publishing (谁检查、谁公开): the inspecting department itself, not a partner."""
    return inspection is not None and assignment.department_id == inspection.department_id


_inspecting_department.label = "检查部门"  # type: ignore[attr-defined]

# What the inspecting department and, in a joint inspection, its partner departments do on
# site (000 (十), 001 (十)): record, sign, confirm, record a refusal, upload evidence, close,
# cancel. Which department records an item (谁检查、谁录入) is decided by the service from the
# remit matrix (``recording_department``); whether a post may record at all is decided here.
ON_SITE = (Allow(ACTING, OWNER),)


class InspectionQuerySet(ScopedQuerySet):
    def done(self) -> InspectionQuerySet:
        return self.filter(status__in=[IS.CLOSED, IS.PUBLISHED])


class Inspection(models.Model):
    """One inspection of one institution. Joint inspections list the participating departments;
    each department records its own domain's items (谁检查、谁录入、谁公开)."""

    kind = models.CharField(
        _("检查类型"), max_length=16, choices=InspectionKind.choices, default=InspectionKind.ROUTINE
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=InspectionStatus.choices, default=IS.PLANNED, db_index=True
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("检查对象")
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("检查部门")
    )
    partner_departments = models.ManyToManyField(
        Department, blank=True, related_name="joint_inspections", verbose_name=_("联合检查部门")
    )
    plan = models.ForeignKey(
        InspectionPlan,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inspections",
        verbose_name=_("抽查计划"),
    )
    draw = models.ForeignKey(
        Draw,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inspections",
        verbose_name=_("随机抽取"),
    )
    previous = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reinspections",
        verbose_name=_("原检查（复查时）"),
    )
    team = models.ManyToManyField(
        Inspector, blank=True, related_name="inspections", verbose_name=_("检查人员")
    )
    unannounced = models.BooleanField(_("不预先通知"), default=False)
    scheduled_on = models.DateField(_("计划检查日期"), null=True, blank=True)
    inspected_on = models.DateField(_("检查日期"), null=True, blank=True, db_index=True)
    conclusion = models.CharField(_("检查结论"), max_length=12, choices=Conclusion.choices, blank=True)
    conclusion_note = models.TextField(_("检查情况"), blank=True)
    # Beds found on site, when the inspection counted them: handed to funds (the subsidy rule
    # "beds claimed that an inspection found not to exist") through institutions.bed_counts.
    beds_found = models.PositiveIntegerField(_("现场核实床位数"), null=True, blank=True)
    representative_name = models.CharField(_("机构签字人"), max_length=50, blank=True)
    representative_signed_at = models.DateTimeField(_("签字时间"), null=True, blank=True)
    representative_ack = models.BooleanField(_("机构已确认检查结果"), default=False)
    # When the representative refuses to sign, the refusal is recorded with a witness instead
    # (``representative_name`` is then the person who refused).
    refusal_witness = models.CharField(_("拒签见证人"), max_length=50, blank=True)
    refusal_note = models.CharField(_("拒签情况说明"), max_length=300, blank=True)
    refusal_recorded_at = models.DateTimeField(_("拒签记录时间"), null=True, blank=True)
    public_summary = models.TextField(_("公开摘要"), blank=True, help_text=_("公开页面显示，不含个人信息"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("创建人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    published_until = models.DateField(
        _("公开截止日期"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("公开至该日（含）；之后自动从公开页面撤下。未设置的不公开。"),
    )

    objects = InspectionQuerySet.as_manager()
    # Partner departments of a joint inspection see it through a scope extension (apps.py).
    # An institution account sees its own inspections; its pages show the finished ones only.
    scope = Scope(region="institution__region", department="department", institution="institution")
    # Acting posts (admin, inspector, leader) of the inspecting or a partner department over the
    # institution's region; auditors and liaisons read. A create is judged with the inspecting
    # department and the institution's region given. Results are published by the department
    # that inspected (谁检查、谁录入、谁公开, 000 (十)).
    write_rules = WriteRules(
        region="institution__region",
        department=("department", "partner_departments"),
        label="检查",
        actions={
            **{
                action: ON_SITE
                for action in ("create", "record", "sign", "confirm", "refuse", "evidence", "close", "cancel")
            },
            "publish": (Allow(ACTING, _inspecting_department),),
        },
    )

    class Meta:
        verbose_name = _("检查")
        verbose_name_plural = _("检查")
        ordering = ["-inspected_on", "-scheduled_on", "-pk"]

    def __str__(self) -> str:
        return (
            f"{self.institution} · {self.get_kind_display()} · {self.inspected_on or self.scheduled_on or ''}"
        )

    def departments(self) -> list[Department]:
        return [self.department, *self.partner_departments.all()]

    @property
    def is_open(self) -> bool:
        return self.status in (IS.PLANNED, IS.IN_PROGRESS)

    @property
    def representative_signed(self) -> bool:
        return self.representative_signed_at is not None and self.representative_ack

    @property
    def signature_refused(self) -> bool:
        return self.refusal_recorded_at is not None and bool(self.refusal_witness)

    def is_public(self, on: dt.date | None = None) -> bool:
        """The result is shown on the public pages on ``on`` (today): published, in its period."""
        on = on or timezone.localdate()
        return self.status == IS.PUBLISHED and self.published_until is not None and self.published_until >= on


class InspectorConfirmation(models.Model):
    """One inspector of the team confirms the inspection record (执法人员确认) before it is
    closed. Recorded by the inspector's own account when they have one, otherwise by a colleague
    on their behalf (``confirmed_by`` says who)."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="confirmations", verbose_name=_("检查")
    )
    inspector = models.ForeignKey(
        Inspector, on_delete=models.PROTECT, related_name="confirmations", verbose_name=_("检查人员")
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("登记人"),
    )
    confirmed_at = models.DateTimeField(_("确认时间"))

    class Meta:
        verbose_name = _("检查人员确认")
        verbose_name_plural = _("检查人员确认")
        ordering = ["confirmed_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "inspector"], name="uniq_inspector_confirmation")
        ]

    def __str__(self) -> str:
        return f"{self.inspection_id} · {self.inspector}"


class ItemOutcome(models.TextChoices):
    PASS = "pass", _("符合")
    FAIL = "fail", _("不符合")
    NOT_APPLICABLE = "na", _("不适用")


class ItemResult(models.Model):
    """The result of one item in one inspection, recorded by the department that checked it."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="results", verbose_name=_("检查")
    )
    item = models.ForeignKey(
        InspectionItem, on_delete=models.PROTECT, related_name="results", verbose_name=_("检查事项")
    )
    outcome = models.CharField(_("结果"), max_length=4, choices=ItemOutcome.choices)
    note = models.TextField(_("情况记录"), blank=True)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("录入部门")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("录入人"),
    )
    recorded_at = models.DateTimeField(_("录入时间"), auto_now=True)

    class Meta:
        verbose_name = _("检查事项结果")
        verbose_name_plural = _("检查事项结果")
        ordering = ["item__sort", "item__code"]
        constraints = [models.UniqueConstraint(fields=["inspection", "item"], name="uniq_item_result")]

    def __str__(self) -> str:
        return f"{self.item} · {self.get_outcome_display()}"


class Evidence(models.Model):
    """An evidence photo: content-checked, re-encoded without EXIF, stored under
    PRIVATE_STORAGE_ROOT and served only by the authorised view."""

    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("检查")
    )
    item_result = models.ForeignKey(
        ItemResult,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="evidence",
        verbose_name=_("检查事项"),
    )
    path = models.CharField(_("存储路径"), max_length=200, editable=False)
    caption = models.CharField(_("说明"), max_length=200, blank=True)
    width = models.PositiveIntegerField(_("宽"), default=0)
    height = models.PositiveIntegerField(_("高"), default=0)
    size = models.PositiveIntegerField(_("字节数"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("上传人"),
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("检查照片")
        verbose_name_plural = _("检查照片")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.caption or f"#{self.pk}"
