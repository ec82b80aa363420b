"""Inspections (双随机、一公开): item lists, the inspector directory, annual plans, verifiable
random draws, inspections with their item results and evidence, and findings (hazards).

Status fields are written only by the services in ``services.py``; the allowed transitions
are the tables below."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from institutions.models import Institution
from supervision.core.models import Department, Domain, Region, Remit, RemitRole
from supervision.core.policy import ACTING, ADMINS, LEAD, OWNER, REMIT, Allow, WriteRules
from supervision.core.scoping import Scope, ScopedQuerySet
from supervision.workcal.services import add_months

from .querysets import FindingQuerySet, RectificationProgress, ReferralProgress

# --- publication periods ------------------------------------------------------------------
# How long a published inspection result (一公开) stays on the public pages. Leaving is a query on
# ``published_until`` (the last day shown, inclusive), so no job has to run; the key may be
# overridden per deployment with ``settings.PUBLICATION_MONTHS`` (the same setting as the
# rectification table in ``inspections/rectification/models.py``).
#
# 12 months from publication: no seed document sets a term (they say "及时向社会公开"), and
# 《企业信息公示暂行条例》 sets none for 抽查检查结果 either. One year covers one annual random-
# inspection round, so the public always sees the latest result of each institution; and it
# is the term of the rectification result that follows a "发现问题" result, so a finding never
# stays public longer than the notice saying it was fixed. A house default to confirm.
PUBLICATION_MONTHS: dict[str, int] = {"inspection_result": 12}


def publication_months(key: str, defaults: dict[str, int] | None = None) -> int:
    """Months of publication for ``key`` (``a.b`` falls back on ``a``): ``settings.PUBLICATION_MONTHS``
    first, then ``defaults`` (this module's table unless given)."""
    override: dict[str, int] = getattr(settings, "PUBLICATION_MONTHS", None) or {}
    table = {**(PUBLICATION_MONTHS if defaults is None else defaults), **override}
    if key in table:
        return int(table[key])
    return int(table[key.split(".")[0]])


def publication_end(start: dt.date, key: str, defaults: dict[str, int] | None = None) -> dt.date:
    """Last day shown for a term of ``publication_months(key)`` starting on ``start``: the day
    before the same date ``months`` later (12 months from 2026-01-15 → 2027-01-14)."""
    return add_months(start, publication_months(key, defaults)) - dt.timedelta(days=1)


# --- Item lists --------------------------------------------------------------------------------


def responsible_department_for(domain: Domain | None) -> Department | None:
    """The department that answers for ``domain`` in the responsibility matrix (Remit rows):
    a department with role "responsible" first, then "lead", then "support"; ties by code."""
    if domain is None:
        return None
    order = {RemitRole.RESPONSIBLE: 0, RemitRole.LEAD: 1, RemitRole.SUPPORT: 2}
    remits = sorted(
        Remit.objects.filter(domain=domain).select_related("department"),
        key=lambda r: (order.get(r.role, 9), r.department.code),  # type: ignore[call-overload]
    )
    return remits[0].department if remits else None


class InspectionItem(models.Model):
    """One line of the random-inspection item list (随机抽查事项清单) or of the national key-item
    list (重点检查事项清单). The responsible department is not stored: it is read from the
    remit matrix, so editing the matrix re-routes every item."""

    code = models.SlugField(_("事项编码"), max_length=40, unique=True)
    title = models.CharField(_("检查事项"), max_length=200)
    domain = models.ForeignKey(
        Domain, on_delete=models.PROTECT, related_name="inspection_items", verbose_name=_("领域")
    )
    legal_basis = models.CharField(_("检查依据"), max_length=300, blank=True)
    check_method = models.CharField(_("检查方式"), max_length=200, blank=True)
    is_key = models.BooleanField(_("重点检查事项"), default=False)
    active = models.BooleanField(_("启用"), default=True)
    sort = models.PositiveSmallIntegerField(_("排序"), default=100)

    class Meta:
        verbose_name = _("检查事项")
        verbose_name_plural = _("检查事项清单")
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        return self.title

    @property
    def responsible_department(self) -> Department | None:
        return responsible_department_for(self.domain)


# --- Inspector directory ---------------------------------------------------------------------


class Inspector(models.Model):
    """执法检查人员名录库: an inspector with a law-enforcement certificate. Only inspectors whose
    certificate is valid on the draw date are drawable."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inspector_profiles",
        verbose_name=_("平台账号"),
    )
    name = models.CharField(_("姓名"), max_length=50)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="inspectors", verbose_name=_("部门")
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="inspectors", verbose_name=_("所属区划")
    )
    certificate_number = models.CharField(_("执法证号"), max_length=40, unique=True)
    certificate_expires = models.DateField(_("执法证有效期至"))
    domains = models.ManyToManyField(
        Domain, blank=True, related_name="inspectors", verbose_name=_("检查领域")
    )
    active = models.BooleanField(_("在岗"), default=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="region", department="department")
    # The directory is kept by the county administrators (管理员): a department's own, and the
    # lead department's (民政), which keeps the joint directory (inspections/inspector_admin.py).
    write_rules = WriteRules(
        label="执法检查人员",
        actions={"manage": (Allow(ADMINS, OWNER), Allow(ADMINS, LEAD))},
    )

    class Meta:
        verbose_name = _("执法检查人员")
        verbose_name_plural = _("执法检查人员名录")
        ordering = ["department__code", "name", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def public_code(self) -> str:
        """Opaque identifier used in published draw inputs (no name, no certificate number)."""
        return f"I{self.pk:06d}"

    def is_drawable(self, on: dt.date | None = None) -> bool:
        on = on or dt.date.today()
        return self.active and self.certificate_expires >= on

    @property
    def masked_name(self) -> str:
        return (self.name[:1] + "*" * max(1, len(self.name) - 1)) if self.name else ""


class ConflictKind(models.TextChoices):
    DECLARED = "declared", _("本人申报的利害关系")
    RELATIVE = "relative", _("近亲属在该机构任职或入住")
    FORMER_EMPLOYEE = "former_employee", _("曾在该机构任职")
    OTHER = "other", _("其他应回避情形")


class InspectorConflict(models.Model):
    """A reason an inspector must not inspect an institution (回避)."""

    inspector = models.ForeignKey(
        Inspector, on_delete=models.CASCADE, related_name="conflicts", verbose_name=_("检查人员")
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="inspector_conflicts", verbose_name=_("机构")
    )
    kind = models.CharField(
        _("回避事由"), max_length=20, choices=ConflictKind.choices, default=ConflictKind.DECLARED
    )
    note = models.CharField(_("说明"), max_length=300, blank=True)
    declared_on = models.DateField(_("申报日期"), default=dt.date.today)
    active = models.BooleanField(_("有效"), default=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="institution__region", department="inspector__department")

    class Meta:
        verbose_name = _("回避关系")
        verbose_name_plural = _("回避关系")
        constraints = [
            models.UniqueConstraint(
                fields=["inspector", "institution", "kind"], name="uniq_inspector_conflict"
            )
        ]

    def __str__(self) -> str:
        return f"{self.inspector} · {self.institution} · {self.get_kind_display()}"


# --- Annual plans ------------------------------------------------------------------------------


class CoveragePeriod(models.TextChoices):
    YEAR = "year", _("每年至少一次")
    HALF_YEAR = "half_year", _("每半年至少一次")


def default_risk_weights() -> dict[str, str]:
    return {"high": "3", "medium": "1.5", "low": "1"}


class InspectionPlan(models.Model):
    """年度抽查计划 of a department at a region: sampling ratio, risk weights, coverage rule."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="inspection_plans", verbose_name=_("区划")
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="inspection_plans", verbose_name=_("部门")
    )
    partner_departments = models.ManyToManyField(
        Department, blank=True, related_name="joint_inspection_plans", verbose_name=_("联合检查部门")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("计划名称"), max_length=200)
    sampling_ratio = models.DecimalField(
        _("抽查比例"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.200"),
        help_text=_("0–1，如 0.2 表示 20%"),
    )
    risk_weights = models.JSONField(
        _("风险等级权重"),
        default=default_risk_weights,
        help_text=_('如 {"high": "3", "medium": "1.5", "low": "1"}'),
    )
    class_ratios = models.JSONField(
        _("分风险等级抽查比例"),
        default=dict,
        blank=True,
        help_text=_('分层抽样，如 {"high": "0.5", "low": "0.1"}；未列出的等级按总体比例'),
    )
    uncapped_classes = models.JSONField(
        _("不设抽查比例上限的风险等级"),
        default=list,
        blank=True,
        help_text=_('如 ["high"]：该等级机构全部纳入抽查（重点监管不设上限）'),
    )
    team_size = models.PositiveSmallIntegerField(_("每组检查人员数"), default=2)
    coverage_period = models.CharField(
        _("现场检查覆盖频次"), max_length=10, choices=CoveragePeriod.choices, default=CoveragePeriod.YEAR
    )
    items = models.ManyToManyField(
        InspectionItem, blank=True, related_name="plans", verbose_name=_("检查事项（留空为全部启用事项）")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("制定人")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="region", department="department")
    # The plan's department plans and draws at the plan's region (001 (十): the department that
    # inspects draws). No seed document reserves committing, revealing or redrawing for leaders,
    # so every acting post (admin, inspector, leader) may; auditors and liaisons only read. A
    # township post does not draw for its county's plan (the plan's region is the county).
    write_rules = WriteRules(
        region="region",
        department="department",
        label="年度抽查计划",
        actions={"create": (Allow(ACTING, OWNER),), "draw": (Allow(ACTING, OWNER),)},
    )

    class Meta:
        verbose_name = _("年度抽查计划")
        verbose_name_plural = _("年度抽查计划")
        ordering = ["-year", "region__code", "pk"]

    def __str__(self) -> str:
        return self.title


# --- Draws -------------------------------------------------------------------------------------


class DrawStatus(models.TextChoices):
    COMMITTED = "committed", _("已承诺（种子哈希已公布）")
    EXECUTED = "executed", _("已抽取")
    REVEALED = "revealed", _("已公开种子")
    SUPERSEDED = "superseded", _("已作废（重新抽取）")


class DrawExclusion(models.TextChoices):
    """Why an institution is not a candidate of a later draw of the same plan (published in
    the draw's ``inputs["excluded"]``; the algorithm never reads it)."""

    PENDING = "pending", _("本计划已有待检查任务")
    INSPECTED = "inspected", _("本计划本期已检查")


DRAW_TRANSITIONS: dict[tuple[str, str], str] = {
    (DrawStatus.COMMITTED, DrawStatus.EXECUTED): "execute",
    (DrawStatus.EXECUTED, DrawStatus.REVEALED): "reveal",
    (DrawStatus.COMMITTED, DrawStatus.SUPERSEDED): "redraw",
    (DrawStatus.EXECUTED, DrawStatus.SUPERSEDED): "redraw",
    (DrawStatus.REVEALED, DrawStatus.SUPERSEDED): "redraw",
}


class Draw(models.Model):
    """One verifiable random draw (commit–reveal). ``seed_hash`` = sha256(seed) is published at
    creation, before execution; ``inputs`` are frozen then too; ``seed`` stays secret until
    revealed. Anyone can recompute ``run_draw(seed, inputs)`` (see draw.py)."""

    plan = models.ForeignKey(
        InspectionPlan, on_delete=models.PROTECT, related_name="draws", verbose_name=_("抽查计划")
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=DrawStatus.choices, default=DrawStatus.COMMITTED
    )
    seed_hash = models.CharField(_("种子哈希（SHA-256）"), max_length=64)
    seed = models.CharField(_("随机种子"), max_length=64, editable=False)
    inputs = models.JSONField(_("抽取输入"))
    result = models.JSONField(_("抽取结果"), null=True, blank=True)
    previous = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="redraw",
        verbose_name=_("被替代的抽取"),
    )
    redraw_reason = models.TextField(_("重新抽取原因"), blank=True)
    # A team left smaller than the plan's team size after recusal (回避后人员不足) is executed only
    # on this explicit confirmation; who confirmed and when are kept (and audited).
    short_team_accepted = models.BooleanField(_("确认回避后人员不足仍执行"), default=False)
    short_team_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("人员不足确认人"),
    )
    short_team_accepted_at = models.DateTimeField(_("人员不足确认时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("发起人"),
    )
    created_at = models.DateTimeField(_("承诺时间"), auto_now_add=True)
    executed_at = models.DateTimeField(_("抽取时间"), null=True, blank=True)
    revealed_at = models.DateTimeField(_("公开时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="plan__region", department="plan__department")
    # A draw is its plan's: the same posts execute it, reveal its seed, redraw it and accept
    # short teams (see ``InspectionPlan.write_rules``).
    write_rules = WriteRules(
        region="plan__region",
        department="plan__department",
        label="随机抽取",
        actions={
            action: (Allow(ACTING, OWNER),)
            for action in ("execute", "reveal", "redraw", "accept_short_teams")
        },
    )

    class Meta:
        verbose_name = _("随机抽取")
        verbose_name_plural = _("随机抽取")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.plan} · #{self.pk}"

    @property
    def seed_is_public(self) -> bool:
        return self.revealed_at is not None

    @property
    def public_seed(self) -> str:
        return self.seed if self.seed_is_public else ""


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


# --- Findings ------------------------------------------------------------------------------------


class Severity(models.TextChoices):
    GENERAL = "general", _("一般")
    SERIOUS = "serious", _("较大")
    MAJOR = "major", _("重大")


class FindingStatus(models.TextChoices):
    OPEN = "open", _("待整改")
    RECTIFIED = "rectified", _("已整改")
    CLOSED = "closed", _("已销号")


def _found_by_department(assignment: Any, finding: Any) -> bool:
    """The finder's department: it hands an out-of-remit finding to the responsible one."""
    return finding is not None and assignment.department_id == finding.found_by_department_id


_found_by_department.label = "发现部门"  # type: ignore[attr-defined]


class Finding(models.Model):
    """A problem or hazard (安全隐患) found at an institution. The three lists (隐患、整改、责任
    清单) are views of these rows. ``supervising_department`` answers for the domain by remit;
    a finding outside the finder's remit is handed to that department and referred to it in
    writing. Where the referral, the rectification notice and its period stand is read from
    those records (``objects.with_progress()``, ``querysets.py``), never copied here."""

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="findings", verbose_name=_("机构")
    )
    inspection = models.ForeignKey(
        Inspection,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="findings",
        verbose_name=_("检查"),
    )
    item_result = models.OneToOneField(
        ItemResult,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="finding",
        verbose_name=_("检查事项结果"),
    )
    domain = models.ForeignKey(
        Domain, on_delete=models.PROTECT, related_name="findings", verbose_name=_("领域")
    )
    severity = models.CharField(
        _("隐患等级"), max_length=8, choices=Severity.choices, default=Severity.GENERAL, db_index=True
    )
    description = models.TextField(_("问题描述"))
    evidence_note = models.TextField(_("证据"), blank=True)
    rectification_required = models.TextField(_("整改要求"), blank=True)
    # The period the finder wrote on the spot; once a notice is issued, its item's clock binds.
    rectify_by = models.DateField(_("整改期限"), null=True, blank=True)
    responsible_person = models.CharField(_("机构责任人"), max_length=50, blank=True)
    supervising_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="supervised_findings", verbose_name=_("监管部门")
    )
    found_by_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="found_findings", verbose_name=_("发现部门")
    )
    found_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("发现人"),
    )
    found_on = models.DateField(_("发现日期"), default=dt.date.today)
    listed_supervision = models.BooleanField(_("挂牌督办"), default=False, db_index=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=FindingStatus.choices, default=FindingStatus.OPEN, db_index=True
    )
    source_system = models.CharField(
        _("来源系统"), max_length=60, blank=True, help_text=_("部门业务系统通过接口报送时填写")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = FindingQuerySet.as_manager()
    scope = Scope(
        region="institution__region",
        domain="domain",
        department="supervising_department",
        institution="institution",
    )
    # A finding is recorded by an acting post of the finder's department over the institution's
    # region (``create`` is judged with that department given; inside an inspection the service
    # also asks the inspection's ``record``); any department records what it finds and an
    # out-of-remit finding is handed over by remit (000 (十)). The supervising department grades
    # it. Its rectification is marked by the department whose remit covers it (the notice's
    # acceptance). Auditors and liaisons read.
    write_rules = WriteRules(
        region="institution__region",
        department="supervising_department",
        domain="domain",
        label="问题隐患",
        actions={
            "create": (Allow(ACTING, OWNER),),
            "hand_over": (Allow(ACTING, _found_by_department),),
            "set_severity": (Allow(ACTING, OWNER),),
            "rectify": (Allow(ACTING, OWNER), Allow(ACTING, REMIT)),
        },
    )

    class Meta:
        verbose_name = _("问题隐患")
        verbose_name_plural = _("问题隐患")
        ordering = ["-found_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.institution} · {self.domain} · {self.get_severity_display()}"

    @property
    def referral_required(self) -> bool:
        """Handed by remit to another department than the one that found it: the finder owes
        that department a written referral (000 (十))."""
        return self.supervising_department_id != self.found_by_department_id

    # Labels of the ``with_progress`` annotations (the finding must come from that queryset).
    def get_referral_progress_display(self) -> str:
        return str(ReferralProgress(self.referral_progress).label)  # type: ignore[attr-defined]

    def get_rectification_progress_display(self) -> str:
        return str(RectificationProgress(self.rectification_progress).label)  # type: ignore[attr-defined]

    def referral_snapshot(self) -> dict[str, Any]:
        """What the referral form pre-fills for this finding (duck-typed by the referrals app)."""
        inst = self.institution
        return {
            "title": f"{inst.name}{self.domain.name}问题抄告",
            "institution_name": inst.name,
            "credit_code": inst.credit_code or "",
            "description": self.description,
            "evidence_summary": self.evidence_note,
            "domain": self.domain_id,
            "to_department": self.supervising_department_id if self.referral_required else None,
            "found_on": self.found_on,
        }
