"""The ledger of trust: credit records keyed by the credit code, grades computed from them by
configurable rules, and the listing procedure of 民发〔2019〕103号 (joint-punishment list,
watch list, industry bans).

Nothing here imports an app above ``institutions``; other apps write through
``credit.services`` (see its docstring for the write API).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from institutions.models import Institution, Person
from supervision.core.models import Department, Domain, Region
from supervision.core.policy import (
    ACTING,
    INSTITUTION,
    LEAD,
    LEADERS,
    OWN_INSTITUTION,
    OWNER,
    REMIT,
    Allow,
    WriteRules,
)
from supervision.core.scoping import Scope, ScopedQuerySet
from supervision.core.transitions import StepEvent

# The objection window (陈述申辩期) of a notified listing: a clock of the deadline engine.
OBJECTION_RULE = "credit.objection"

# --- The ledger ------------------------------------------------------------------------------


class RecordKind(models.TextChoices):
    COMMITMENT_MADE = "commitment_made", _("作出信用承诺")
    COMMITMENT_HONOURED = "commitment_honoured", _("信用承诺已履行")
    COMMITMENT_BROKEN = "commitment_broken", _("违反信用承诺")
    INSPECTION_PASSED = "inspection_passed", _("检查合格")
    INSPECTION_FAILED = "inspection_failed", _("检查发现问题")
    MAJOR_HAZARD = "major_hazard", _("重大安全隐患")
    MAJOR_HAZARD_RECTIFIED = "major_hazard_rectified", _("重大隐患按期整改")
    MAJOR_HAZARD_OVERDUE = "major_hazard_overdue", _("重大火灾隐患逾期未整改")
    PENALTY = "penalty", _("行政处罚")
    SUBSIDY_FRAUD = "subsidy_fraud", _("虚报冒领补贴资金")
    ILLEGAL_FUNDRAISING = "illegal_fundraising", _("非法集资或诈骗老年人")
    RESIDENT_ABUSE = "resident_abuse", _("欺老虐老、侵害老年人权益")
    OBSTRUCTION = "obstruction", _("拒绝、阻碍或弄虚作假应对监督检查")
    SERIOUS_ACCIDENT = "serious_accident", _("对重大安全事故负有责任")
    DISCLOSURE_FAILURE = "disclosure_failure", _("未履行年报或信息公开义务")
    BEYOND_SCOPE = "beyond_scope", _("超出章程或经营范围开展活动")
    COMPLAINT_UPHELD = "complaint_upheld", _("投诉举报查证属实")
    AWARD = "award", _("表彰奖励")
    GRADE_RATING = "grade_rating", _("等级评定")
    COURT_JUDGMENT = "court_judgment", _("司法裁判（人工录入）")
    DISHONEST_DEBTOR = "dishonest_debtor", _("被人民法院列为失信被执行人")


def _lead_keeps_unowned(assignment: Any, record: Any) -> bool:
    """A record with no recording department (fed by the system) is the registry keeper's."""
    return record is not None and record.department_id is None and bool(assignment.department.is_lead)


_lead_keeps_unowned.label = "民政部门（无记录部门的记录）"  # type: ignore[attr-defined]


class CreditRecordQuerySet(ScopedQuerySet):
    def in_force(self, day: dt.date) -> CreditRecordQuerySet:
        """Records that count on ``day``: effective, not expired, not withdrawn."""
        return self.filter(effective_on__lte=day, withdrawn_at__isnull=True).filter(
            models.Q(expires_on__isnull=True) | models.Q(expires_on__gte=day)
        )


class CreditRecord(models.Model):
    """One credit-relevant fact about an institution (and, where a person is concerned, about
    that person, matched by the keyed hash of their ID number and shown masked).

    Scope: the region of the institution; the lead department (民政) sees every record in its
    jurisdiction, a partner department sees the records it entered and those in its remit's
    domains (a fire-rescue brigade sees fire records, not subsidy fraud)."""

    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, db_index=True)
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="credit_records", verbose_name=_("机构")
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所在区划"))
    person_name = models.CharField(_("相关人员"), max_length=50, blank=True)
    person_id_hash = models.CharField(
        _("身份证号码摘要"), max_length=64, blank=True, db_index=True, editable=False
    )
    person_id_masked = models.CharField(_("身份证号码"), max_length=18, blank=True, editable=False)
    kind = models.CharField(_("类型"), max_length=30, choices=RecordKind.choices, db_index=True)
    title = models.CharField(_("事项"), max_length=300)
    points = models.DecimalField(
        _("信用分值影响"),
        max_digits=6,
        decimal_places=1,
        help_text=_("记录时按评分规则确定，正为加分、负为减分"),
    )
    domain = models.ForeignKey(
        Domain, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("监管领域")
    )
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("记录部门"),
    )
    source_type = models.ForeignKey(
        ContentType,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("来源记录类型"),
    )
    source_id = models.PositiveBigIntegerField(_("来源记录编号"), null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    source_document = models.CharField(_("依据文书"), max_length=300, blank=True)
    effective_on = models.DateField(_("生效日期"), db_index=True)
    expires_on = models.DateField(_("失效日期"), null=True, blank=True, db_index=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("录入人"),
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    withdraw_reason = models.CharField(_("撤销原因"), max_length=300, blank=True)

    objects = CreditRecordQuerySet.as_manager()
    # The institution's account sees the records behind its own grade (机构端, issue 17).
    scope = Scope(region="region", domain="domain", department="department", institution="institution")
    write_rules = WriteRules(
        region="region",
        department="department",
        domain="domain",
        label="信用记录",
        actions={
            # A record entered by hand (``record_enter``), judged on the unsaved record with the
            # domain of its kind (``KIND_DOMAIN``). House decision: civil affairs, the lead
            # department, keeps the registry (000 (十三), 003 附件1 第1项) and records every kind —
            # awards and commendations, grade ratings, court judgments and other general records
            # that belong to no partner's domain. A partner department records only kinds of its
            # own supervision domain (REMIT: a penalty or hazard it found, a registration fact
            # for market regulation), never an award or a general record on an institution.
            # Always over the institution's region; auditors and liaisons only read.
            "record": (Allow(ACTING, LEAD), Allow(ACTING, REMIT)),
            # Withdrawing a record entered in error is for the department that recorded it (the
            # lead department for records no department entered), never another's finding.
            "withdraw": (Allow(ACTING, OWNER), Allow(ACTING, _lead_keeps_unowned)),
        },
    )

    class Meta:
        verbose_name = _("信用记录")
        verbose_name_plural = _("信用记录")
        ordering = ["-effective_on", "-pk"]
        indexes = [models.Index(fields=["source_type", "source_id"], name="credit_rec_source_idx")]
        constraints = [
            # One fact per source and kind: a service feeding the ledger twice changes nothing.
            models.UniqueConstraint(
                fields=["source_type", "source_id", "kind"],
                condition=models.Q(source_id__isnull=False, withdrawn_at__isnull=True),
                name="uniq_credit_record_per_source",
            )
        ]

    def __str__(self) -> str:
        return f"{self.credit_code} · {self.get_kind_display()} · {self.effective_on}"

    def is_in_force(self, day: dt.date) -> bool:
        return (
            self.withdrawn_at is None
            and self.effective_on <= day
            and (self.expires_on is None or self.expires_on >= day)
        )


# --- Grading configuration and results -------------------------------------------------------


class GradingRule(models.Model):
    """Configuration: what one record of a kind is worth, how long it counts, whether its weight
    fades linearly over that time, and whether it is a serious dishonesty (严重失信) that caps
    the grade. Rows are edited in the admin; defaults come from ``credit.rules.DEFAULT_RULES``."""

    kind = models.CharField(_("记录类型"), max_length=30, choices=RecordKind.choices, unique=True)
    points = models.DecimalField(_("分值"), max_digits=6, decimal_places=1)
    validity_months = models.PositiveSmallIntegerField(
        _("计分期限（月）"), null=True, blank=True, help_text=_("记录生效后计入评分的月数；空为长期")
    )
    decays = models.BooleanField(_("逐步衰减"), default=False, help_text=_("在计分期限内线性衰减至 0"))
    serious = models.BooleanField(_("严重失信"), default=False, help_text=_("计分期内信用等级最高为 C"))
    source = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("信用评分规则")
        verbose_name_plural = _("信用评分规则")
        ordering = ["kind"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.points:+}"


class Grade(models.TextChoices):
    A = "A", _("A 级（守信）")
    B = "B", _("B 级（基本守信）")
    C = "C", _("C 级（失信）")
    D = "D", _("D 级（严重失信）")


class RiskClass(models.TextChoices):
    LOW = "low", _("低风险")
    MEDIUM = "medium", _("中风险")
    HIGH = "high", _("高风险")


class GradeThreshold(models.Model):
    """Configuration: the lowest score of each grade and the risk class the grade sets for the
    random draw (001 (十二): poor credit → more inspections)."""

    grade = models.CharField(_("信用等级"), max_length=1, choices=Grade.choices, unique=True)
    min_score = models.DecimalField(_("最低分"), max_digits=6, decimal_places=1)
    risk_class = models.CharField(_("风险等级"), max_length=10, choices=RiskClass.choices)

    class Meta:
        verbose_name = _("信用等级分数线")
        verbose_name_plural = _("信用等级分数线")
        ordering = ["-min_score"]

    def __str__(self) -> str:
        return f"{self.grade} ≥ {self.min_score}"


class CreditGrade(models.Model):
    """The current credit grade of an institution, recomputed whenever its records change.
    ``reasons`` lists every input with its points, weight and contribution (shown to staff)."""

    institution = models.OneToOneField(
        Institution, on_delete=models.CASCADE, related_name="credit_grade", verbose_name=_("机构")
    )
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所在区划"))
    score = models.DecimalField(_("信用分"), max_digits=6, decimal_places=1)
    grade = models.CharField(_("信用等级"), max_length=1, choices=Grade.choices, db_index=True)
    risk_class = models.CharField(_("风险等级"), max_length=10, choices=RiskClass.choices, db_index=True)
    reasons = models.JSONField(_("评分依据"), default=list)
    computed_at = models.DateTimeField(_("计算时间"))
    computed_for = models.DateField(_("评分日期"))

    objects = ScopedQuerySet.as_manager()
    # Grades drive every department's inspection planning: visible region-wide.
    scope = Scope(region="region", any_department=True, institution="institution")

    class Meta:
        verbose_name = _("信用等级")
        verbose_name_plural = _("信用等级")
        ordering = ["credit_code"]

    def __str__(self) -> str:
        return f"{self.credit_code} {self.grade}"


# --- The listing procedure (民发〔2019〕103号) ---------------------------------------------------


class ListType(models.TextChoices):
    JOINT_PUNISHMENT = "joint_punishment", _("失信联合惩戒对象名单")
    WATCH = "watch", _("重点关注名单")
    INDUSTRY_BAN = "industry_ban", _("行业禁入")


class ListingPolicy(models.Model):
    """Configuration of the procedure's periods for a region and everything below it (the
    nearest ancestor's policy wins; a row without region is the national default). Provinces
    publish their own variants of 103号, so every period is data."""

    region = models.OneToOneField(
        Region,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("适用区划"),
        help_text=_("空为全国默认"),
    )
    objection_workdays = models.PositiveSmallIntegerField(_("陈述申辩期（工作日）"), default=5)
    listing_years = models.PositiveSmallIntegerField(_("联合惩戒名单期限（年）"), default=3)
    watch_years = models.PositiveSmallIntegerField(_("重点关注名单期限（年）"), default=1)
    ban_years = models.PositiveSmallIntegerField(_("行业禁入默认期限（年）"), default=5)
    early_removal_min_years = models.PositiveSmallIntegerField(_("申请提前移出的最短列入期（年）"), default=2)
    source = models.CharField(_("依据"), max_length=200, default="民发〔2019〕103号")

    class Meta:
        verbose_name = _("名单管理期限设置")
        verbose_name_plural = _("名单管理期限设置")

    def __str__(self) -> str:
        return f"{self.region or _('全国默认')}：{self.source}"

    def term_years(self, list_type: str) -> int:
        return {
            ListType.JOINT_PUNISHMENT: self.listing_years,
            ListType.WATCH: self.watch_years,
            ListType.INDUSTRY_BAN: self.ban_years,
        }[ListType(list_type)]


@dataclass(frozen=True)
class GroundSpec:
    """A listing ground: which record kinds prove it and which domain's remit may propose it
    (``None``: the lead department, 民政, only)."""

    label: Any  # a lazy translation
    evidence_kinds: tuple[str, ...]
    domain: str | None


class Ground(models.TextChoices):
    MAJOR_FIRE_HAZARD = "major_fire_hazard", _("存在重大火灾隐患，逾期未整改")
    SUBSIDY_FRAUD = "subsidy_fraud", _("以欺骗等不正当手段骗取补贴资金")
    ILLEGAL_FUNDRAISING = "illegal_fundraising", _("非法集资或诈骗老年人财物")
    RESIDENT_ABUSE = "resident_abuse", _("侵害老年人人身和财产权益（欺老虐老）")
    OBSTRUCTION = "obstruction", _("拒绝、阻碍监督检查或弄虚作假")
    SERIOUS_ACCIDENT = "serious_accident", _("对重大安全事故负有责任")
    DISHONEST_DEBTOR = "dishonest_debtor", _("被人民法院列为失信被执行人")
    DISCLOSURE_FAILURE = "disclosure_failure", _("未履行年报或信息公示义务")
    BEYOND_SCOPE = "beyond_scope", _("超出章程规定的宗旨和业务范围开展活动")
    COMMITMENT_BROKEN = "commitment_broken", _("违反备案信用承诺且情节严重")


GROUNDS: dict[str, GroundSpec] = {
    Ground.MAJOR_FIRE_HAZARD: GroundSpec(
        Ground.MAJOR_FIRE_HAZARD.label, (RecordKind.MAJOR_HAZARD_OVERDUE,), "fire"
    ),
    Ground.SUBSIDY_FRAUD: GroundSpec(Ground.SUBSIDY_FRAUD.label, (RecordKind.SUBSIDY_FRAUD,), "fiscal_funds"),
    Ground.ILLEGAL_FUNDRAISING: GroundSpec(
        Ground.ILLEGAL_FUNDRAISING.label, (RecordKind.ILLEGAL_FUNDRAISING,), "illegal_fundraising"
    ),
    Ground.RESIDENT_ABUSE: GroundSpec(
        Ground.RESIDENT_ABUSE.label, (RecordKind.RESIDENT_ABUSE, RecordKind.COMPLAINT_UPHELD), "elder_abuse"
    ),
    Ground.OBSTRUCTION: GroundSpec(Ground.OBSTRUCTION.label, (RecordKind.OBSTRUCTION,), "operations"),
    Ground.SERIOUS_ACCIDENT: GroundSpec(
        Ground.SERIOUS_ACCIDENT.label, (RecordKind.SERIOUS_ACCIDENT,), "emergency"
    ),
    Ground.DISHONEST_DEBTOR: GroundSpec(
        Ground.DISHONEST_DEBTOR.label, (RecordKind.DISHONEST_DEBTOR, RecordKind.COURT_JUDGMENT), None
    ),
    Ground.DISCLOSURE_FAILURE: GroundSpec(
        Ground.DISCLOSURE_FAILURE.label, (RecordKind.DISCLOSURE_FAILURE,), "registration"
    ),
    Ground.BEYOND_SCOPE: GroundSpec(
        Ground.BEYOND_SCOPE.label, (RecordKind.BEYOND_SCOPE, RecordKind.PENALTY), "registration"
    ),
    Ground.COMMITMENT_BROKEN: GroundSpec(
        Ground.COMMITMENT_BROKEN.label, (RecordKind.COMMITMENT_BROKEN, RecordKind.PENALTY), "registration"
    ),
}


class ProposalState(models.TextChoices):
    DRAFT = "draft", _("拟列入（草稿）")
    NOTIFIED = "notified", _("已告知，陈述申辩期中")
    OBJECTED = "objected", _("已提出陈述申辩")
    ELAPSED = "elapsed", _("陈述申辩期届满")
    REVIEWED = "reviewed", _("已审核")
    LISTED = "listed", _("已决定列入")
    NOT_LISTED = "not_listed", _("决定不予列入")
    PUBLISHED = "published", _("已公示")
    REMOVAL_APPLIED = "removal_applied", _("已申请提前移出（信用修复）")
    REMOVED = "removed", _("已移出")
    WITHDRAWN = "withdrawn", _("已撤回")


P = ProposalState

# Allowed transitions: (from, to) -> the service steps (``proposal_<step>``) that perform it.
# Nothing but those services writes ``ListingProposal.state``.
TRANSITIONS: dict[tuple[str, str], tuple[str, ...]] = {
    (P.DRAFT, P.NOTIFIED): ("notify",),
    (P.NOTIFIED, P.OBJECTED): ("object",),
    (P.NOTIFIED, P.ELAPSED): ("elapse",),
    (P.OBJECTED, P.REVIEWED): ("review",),
    (P.ELAPSED, P.REVIEWED): ("review",),
    (P.REVIEWED, P.LISTED): ("decide",),
    (P.REVIEWED, P.NOT_LISTED): ("decide",),
    (P.LISTED, P.PUBLISHED): ("publish",),
    (P.PUBLISHED, P.REMOVAL_APPLIED): ("apply_removal",),
    (P.REMOVAL_APPLIED, P.REMOVED): ("decide_removal", "expire"),
    (P.REMOVAL_APPLIED, P.PUBLISHED): ("decide_removal",),
    (P.LISTED, P.REMOVED): ("expire",),
    (P.PUBLISHED, P.REMOVED): ("expire",),
    (P.DRAFT, P.WITHDRAWN): ("withdraw",),
    (P.NOTIFIED, P.WITHDRAWN): ("withdraw",),
    (P.OBJECTED, P.WITHDRAWN): ("withdraw",),
    (P.ELAPSED, P.WITHDRAWN): ("withdraw",),
    (P.REVIEWED, P.WITHDRAWN): ("withdraw",),
}

# States in which the listing is in force (restrictions recorded, risk raised).
IN_FORCE_STATES = (P.LISTED, P.PUBLISHED, P.REMOVAL_APPLIED)
# States shown on the public list.
PUBLIC_STATES = (P.PUBLISHED, P.REMOVAL_APPLIED)


def steps_from(state: str) -> list[str]:
    """The service steps available from ``state`` (for action buttons)."""
    seen: list[str] = []
    for (frm, _to), steps in TRANSITIONS.items():
        for step in steps:
            if frm == state and step not in seen and step not in ("elapse", "expire"):
                seen.append(step)
    return seen


# Chinese labels of the procedure's steps (buttons, messages, the history on the page).
STEP_LABELS = {
    "create": "提出拟列入",
    "notify": "告知当事人",
    "object": "登记陈述申辩",
    "elapse": "陈述申辩期届满",
    "review": "审核",
    "decide": "作出决定",
    "publish": "公示",
    "apply_removal": "申请提前移出",
    "decide_removal": "移出决定",
    "expire": "期满移出",
    "withdraw": "撤回",
}


class RemovalReason(models.TextChoices):
    EXPIRED = "expired", _("期满自动移出")
    EARLY = "early", _("信用修复提前移出")


class ListingProposalQuerySet(ScopedQuerySet):
    def with_objection_due(self) -> ListingProposalQuerySet:
        """Annotate ``objection_due`` from the objection clock (for lists sorted by it)."""
        from supervision.deadlines.models import Deadline

        # by the content type's natural key: building the queryset (a viewset's class
        # attribute) must not query the database
        clocks = Deadline.objects.filter(
            content_type__app_label=ListingProposal._meta.app_label,
            content_type__model=ListingProposal._meta.model_name,
            object_id=models.OuterRef("pk"),
            rule__code=OBJECTION_RULE,
        ).order_by("-pk")
        return self.annotate(
            objection_due=models.Subquery(clocks.values("due")[:1]),
            objection_due_provisional=models.Subquery(clocks.values("provisional")[:1]),
        )


# Procedure steps are taken by the proposing department ("谁监管、谁列入", 103号): its acting posts
# (admin, inspector, leader) over the institution's region. Auditors and liaisons read.
_PROPOSER = (Allow(ACTING, OWNER),)
# Decisions (列入/不予列入, early removal) are a leader's of the proposing department.
_DECIDER = (Allow(LEADERS, OWNER),)
# The party itself: the institution's own account (机构端) files its statement and its
# application for early removal; it takes no other step.
_PARTY = (Allow(INSTITUTION, OWN_INSTITUTION),)


class ListingProposal(models.Model):
    """One listing procedure from proposal to removal: joint-punishment list, watch list, or an
    industry ban of a person. Its history stays after removal; the public page shows only the
    entries in force and published."""

    list_type = models.CharField(_("名单类型"), max_length=20, choices=ListType.choices, db_index=True)
    number = models.CharField(_("编号"), max_length=40, unique=True)
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="listing_proposals", verbose_name=_("机构")
    )
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, db_index=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所在区划"))
    person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="listing_proposals",
        verbose_name=_("当事人（行业禁入）"),
    )
    person_name = models.CharField(_("当事人姓名"), max_length=50, blank=True)
    person_id_masked = models.CharField(_("身份证号码"), max_length=18, blank=True, editable=False)
    ground = models.CharField(_("列入事由"), max_length=30, choices=Ground.choices)
    facts = models.TextField(_("失信事实"))
    evidence = models.ManyToManyField(
        CreditRecord, related_name="proposals", verbose_name=_("证据（信用记录）")
    )
    domain = models.ForeignKey(
        Domain, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("监管领域")
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("提出部门（谁监管、谁列入）")
    )
    state = models.CharField(
        _("状态"), max_length=20, choices=ProposalState.choices, default=P.DRAFT, db_index=True
    )
    # None when the system proposed (no user acts for it).
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("提出人"),
    )
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    # Notice and objection (告知、陈述申辩). The window itself is the ``credit.objection``
    # Deadline opened on notice (``objection_clock``): its due date, reminders and close.
    notified_on = models.DateField(_("告知日期"), null=True, blank=True)
    # The period told to the party, passed to the clock as its length: editing the policy
    # changes new notices only.
    objection_workdays = models.PositiveSmallIntegerField(_("陈述申辩期（工作日）"), null=True, blank=True)
    objection_on = models.DateField(_("陈述申辩日期"), null=True, blank=True)
    objection_text = models.TextField(_("陈述申辩意见"), blank=True)
    # Review (审核)
    reviewed_on = models.DateField(_("审核日期"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("审核人"),
    )
    review_opinion = models.TextField(_("审核意见"), blank=True)
    review_recommends_listing = models.BooleanField(_("审核建议列入"), null=True, blank=True)
    # Decision (决定)
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("决定人"),
    )
    decision_number = models.CharField(_("决定书文号"), max_length=60, null=True, blank=True, unique=True)
    decision_opinion = models.TextField(_("决定意见"), blank=True)
    decision_pdf = models.BinaryField(_("决定书 PDF"), null=True, blank=True, editable=False)
    decision_sha256 = models.CharField(_("决定书 SHA-256"), max_length=64, blank=True, editable=False)
    term_starts = models.DateField(_("列入起始日"), null=True, blank=True)
    term_ends = models.DateField(_("列入截止日"), null=True, blank=True, db_index=True)
    permanent = models.BooleanField(_("终身禁入"), default=False)
    published_on = models.DateField(_("公示日期"), null=True, blank=True)
    # Removal (移出) and credit repair (信用修复)
    removal_applied_on = models.DateField(_("申请移出日期"), null=True, blank=True)
    removal_proof = models.TextField(_("整改/信用修复证明"), blank=True)
    removal_opinion = models.TextField(_("移出审核意见"), blank=True)
    removed_on = models.DateField(_("移出日期"), null=True, blank=True)
    removal_reason = models.CharField(_("移出原因"), max_length=10, choices=RemovalReason.choices, blank=True)

    objects = ListingProposalQuerySet.as_manager()
    # Lead department sees every proposal in its jurisdiction; a partner department sees its
    # own proposals and those in its remit's domain.
    # The institution's account sees its own procedures; its pages show them from the notice on.
    scope = Scope(region="region", domain="domain", department="department", institution="institution")
    write_rules = WriteRules(
        region="region",
        department="department",
        domain="domain",
        label="名单列入程序",
        actions={
            # 谁监管、谁列入 (103号): judged on the unsaved proposal with the ground's domain and
            # the institution's region: the lead department (民政) lists on any ground, a
            # partner department on a ground in its remit (fire rescue: a major fire hazard).
            "propose": (Allow(ACTING, REMIT),),
            "notify": _PROPOSER,
            # staff record the party's statement (陈述申辩), or the institution files it online
            "object": _PROPOSER + _PARTY,
            "review": _PROPOSER,
            "publish": _PROPOSER,
            "withdraw": _PROPOSER,
            # staff record the party's application (信用修复), or the institution files it online
            "apply_removal": _PROPOSER + _PARTY,
            "decide": _DECIDER,
            "decide_removal": _DECIDER,
            # The close of the objection window and the end of a term are the system's
            # (the Deadline's stage handler, the daily sweep): no post takes them.
            "elapse": (),
            "expire": (),
        },
        reasons={
            "propose": "谁监管、谁列入：列入事由须属于本部门的监管职责，且机构须在本部门辖区内。",
            "decide": "作出列入决定须由提出部门负责人（领导岗位）办理，您的岗位无权作出该决定。",
            "decide_removal": "作出移出决定须由提出部门负责人（领导岗位）办理，您的岗位无权作出该决定。",
            "elapse": "陈述申辩期由时限引擎按期结束，不能手工办理。",
            "expire": "列入期限届满由系统按期移出，不能手工办理。",
        },
    )

    class Meta:
        verbose_name = _("名单列入程序")
        verbose_name_plural = _("名单列入程序")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.number} {self.subject_display()}"

    def subject_display(self) -> str:
        if self.list_type == ListType.INDUSTRY_BAN:
            return f"{self.person_name}（{self.institution.name}）"
        return self.institution.name

    def refresh_from_db(self, *args: Any, **kwargs: Any) -> None:
        # the clock is read once per instance (a page asks for it several times)
        for key in ("_objection_clock", "_objection_due", "_objection_due_provisional"):
            self.__dict__.pop(key, None)
        super().refresh_from_db(*args, **kwargs)

    @property
    def objection_clock(self) -> Any:
        """The objection window's Deadline (the latest, whatever its state), or None before
        notice. Whether the window has closed is its decision alone (``objection_closed``)."""
        if "_objection_clock" not in self.__dict__:
            from django.contrib.contenttypes.models import ContentType

            from supervision.deadlines.models import Deadline

            self.__dict__["_objection_clock"] = (
                Deadline.objects.filter(
                    content_type=ContentType.objects.get_for_model(ListingProposal),
                    object_id=self.pk,
                    rule__code=OBJECTION_RULE,
                )
                .order_by("-pk")
                .first()
                if self.pk
                else None
            )
        return self.__dict__["_objection_clock"]

    @property
    def objection_due(self) -> dt.date | None:
        """The last day for a statement, as the clock counts it (display and sorting only)."""
        if "_objection_due" in self.__dict__:
            return self.__dict__["_objection_due"]
        clock = self.objection_clock
        return clock.due if clock is not None else None

    @objection_due.setter
    def objection_due(self, value: dt.date | None) -> None:
        # set by ``ListingProposalQuerySet.with_objection_due``
        self.__dict__["_objection_due"] = value

    @property
    def objection_due_provisional(self) -> bool:
        if "_objection_due_provisional" in self.__dict__:
            return bool(self.__dict__["_objection_due_provisional"])
        clock = self.objection_clock
        return bool(clock is not None and clock.provisional)

    @objection_due_provisional.setter
    def objection_due_provisional(self, value: bool | None) -> None:
        self.__dict__["_objection_due_provisional"] = value

    def objection_closed(self, on: dt.date) -> bool:
        """Whether the objection window has closed by ``on``: decided by its Deadline (the
        calendar counted it, a published holiday schedule may have moved it), never by a
        copied date. No clock (not yet notified): not closed."""
        due = self.objection_due  # the clock's (or its annotation on a list)
        return due is not None and on > due

    def allowed_steps(self, today: dt.date | None = None) -> list[str]:
        """Steps offered now: the table's, plus review once the objection window has closed
        (the review step marks it elapsed first)."""
        steps = steps_from(self.state)
        today = today or dt.date.today()
        if self.state == ProposalState.NOTIFIED and self.objection_closed(today):
            steps = [s for s in steps if s != "object"]
            steps.insert(0, "review")
        return steps

    @property
    def in_force(self) -> bool:
        return self.state in IN_FORCE_STATES

    def term_display(self) -> str:
        if not self.term_starts:
            return ""
        if self.permanent:
            return f"{self.term_starts:%Y-%m-%d} 起 终身"
        return f"{self.term_starts:%Y-%m-%d} 至 {self.term_ends:%Y-%m-%d}"


class ProposalEvent(StepEvent):
    """One step of a procedure: who did what, when, from which state to which (the history
    shown on the proposal page; the row-level diff is in the audit log)."""

    proposal = models.ForeignKey(
        ListingProposal, on_delete=models.CASCADE, related_name="events", verbose_name=_("程序")
    )

    class Meta(StepEvent.Meta):
        verbose_name = _("程序记录")
        verbose_name_plural = _("程序记录")

    def __str__(self) -> str:
        return f"{self.proposal_id} {self.step}"

    @property
    def step_label(self) -> str:
        return STEP_LABELS.get(self.step) or super().step_label

    @property
    def to_state_label(self) -> str:
        return str(ProposalState(self.to_state).label) if self.to_state in ProposalState.values else ""


# The institution's own files in a procedure, in their own module.
from .institution_models import AttachmentPurpose, ProposalAttachment  # noqa: E402, F401
