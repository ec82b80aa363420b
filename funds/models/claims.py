"""Subsidies and purchased services (issue 15, first half), and the fund flag shared with the
deposit and fund-raising sub-apps.

* ``SubsidyProgramme`` with its ``ProgrammeBudget`` per region and year: the legal basis and
  source document of each subsidy (construction per new bed, operation per occupied bed or per
  resident by care level, liability insurance, government purchase, fiscal key projects).
* ``SubsidyClaim`` with its ``ClaimLine`` rows (one per bed count, or per resident and month;
  residents' ID numbers are stored keyed-hashed and masked, as ``institutions.personal`` does).
* ``FundFlag``: one suspicion raised by an anomaly rule or a check, reviewed and closed with an
  outcome. F2's deposit checks point flags at their own rows through the generic subject.

Status fields are written only by ``services/``; who may write is each model's ``write_rules``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from institutions.models import Institution
from supervision.core.models import Domain, Region
from supervision.core.policy import WriteRules
from supervision.core.scoping import Scope, ScopedQuerySet

from ..rules import CIVIL_AFFAIRS, FINANCE_ACTS, FLAG_REVIEWERS, PROGRAMME_KEEPERS

FUNDS_DOMAIN = "fiscal_funds"

# --- programmes --------------------------------------------------------------------------------


class ProgrammeKind(models.TextChoices):
    CONSTRUCTION = "construction", _("建设补贴（按新增床位）")
    OPERATION_BED = "operation_bed", _("运营补贴（按实际入住床位）")
    OPERATION_RESIDENT = "operation_resident", _("运营补贴（按入住老人护理等级）")
    LIABILITY_INSURANCE = "liability_insurance", _("综合责任保险补贴")
    PURCHASE = "purchase", _("政府购买养老服务")
    KEY_PROJECT = "key_project", _("财政重点项目")


class CareLevel(models.TextChoices):
    SELF_CARE = "self_care", _("能力完好（自理）")
    MILD = "mild", _("轻度失能")
    MODERATE = "moderate", _("中度失能")
    SEVERE = "severe", _("重度失能")
    TOTAL = "total", _("完全失能")


class SubsidyProgramme(models.Model):
    """A subsidy or purchase programme of a region, with its rate and its legal basis."""

    name = models.CharField(_("项目名称"), max_length=200)
    kind = models.CharField(_("补贴类别"), max_length=24, choices=ProgrammeKind.choices, db_index=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="subsidy_programmes", verbose_name=_("实施地区")
    )
    domain = models.ForeignKey(
        Domain,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("监管领域"),
    )
    unit_amount = models.DecimalField(
        _("补贴标准（元）"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        help_text=_("每张新增床位一次性，或每床（每人）每月的金额"),
    )
    # Per care level, for the operation subsidy by resident: {"mild": "200.00", …} (元/人·月).
    care_level_rates = models.JSONField(_("护理等级补贴标准"), default=dict, blank=True)
    legal_basis = models.TextField(_("政策依据"))
    source_document = models.CharField(_("依据文件"), max_length=300)
    valid_from = models.DateField(_("执行起始日期"), null=True, blank=True)
    valid_until = models.DateField(_("执行截止日期"), null=True, blank=True)
    active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="region", domain="domain")
    write_rules = WriteRules(region="region", label="补贴项目", actions={"keep": PROGRAMME_KEEPERS})

    class Meta:
        verbose_name = _("补贴项目")
        verbose_name_plural = _("补贴项目")
        ordering = ["region__code", "kind", "name"]

    def __str__(self) -> str:
        return self.name

    def rate_for(self, care_level: str = "") -> Decimal:
        """The amount of one unit (bed, bed-month or resident-month) of this programme."""
        if self.kind == ProgrammeKind.OPERATION_RESIDENT and care_level:
            value = (self.care_level_rates or {}).get(care_level)
            if value is not None:
                return Decimal(str(value))
        return self.unit_amount


class ProgrammeBudget(models.Model):
    """The budget of a programme for one region and year."""

    programme = models.ForeignKey(
        SubsidyProgramme, on_delete=models.CASCADE, related_name="budgets", verbose_name=_("补贴项目")
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("地区"))
    year = models.PositiveIntegerField(_("年度"))
    amount = models.DecimalField(_("预算金额（元）"), max_digits=14, decimal_places=2)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="region", domain="programme__domain")
    write_rules = WriteRules(region="region", label="补贴预算", actions={"keep": PROGRAMME_KEEPERS})

    class Meta:
        verbose_name = _("补贴预算")
        verbose_name_plural = _("补贴预算")
        ordering = ["-year", "region__code"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "region", "year"], name="funds_uniq_budget")
        ]

    def __str__(self) -> str:
        return f"{self.programme} · {self.region} · {self.year}"


# --- claims ------------------------------------------------------------------------------------


class ClaimStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待民政审核")
    REVIEWED = "reviewed", _("待财政审批")
    APPROVED = "approved", _("待拨付")
    PAID = "paid", _("已拨付")
    RETURNED = "returned", _("已退回修改")
    REJECTED = "rejected", _("不予补贴")
    RECOVERING = "recovering", _("追缴中")
    RECOVERED = "recovered", _("已追缴")


C = ClaimStatus
CLAIM_TRANSITIONS: dict[tuple[str, str], str] = {
    (C.DRAFT, C.SUBMITTED): "submit",
    (C.RETURNED, C.SUBMITTED): "submit",
    (C.SUBMITTED, C.REVIEWED): "review",
    (C.SUBMITTED, C.RETURNED): "return",
    (C.SUBMITTED, C.REJECTED): "reject",
    (C.REVIEWED, C.APPROVED): "approve",
    (C.REVIEWED, C.RETURNED): "return",
    (C.REVIEWED, C.REJECTED): "reject",
    (C.APPROVED, C.PAID): "pay",
    (C.PAID, C.RECOVERING): "recover",
    (C.RECOVERING, C.RECOVERED): "repay",
}
# Lines may be added or imported while the claim is with the institution's side.
EDITABLE = (C.DRAFT, C.RETURNED)


class SubsidyClaimQuerySet(ScopedQuerySet):
    def pending_approval(self) -> SubsidyClaimQuerySet:
        return self.filter(status=ClaimStatus.REVIEWED)


class SubsidyClaim(models.Model):
    """An institution's claim under one programme for a period of months."""

    number = models.CharField(_("申报编号"), max_length=40, unique=True)
    programme = models.ForeignKey(
        SubsidyProgramme, on_delete=models.PROTECT, related_name="claims", verbose_name=_("补贴项目")
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="subsidy_claims", verbose_name=_("申报机构")
    )
    # Copied from the institution when the claim is filed, for scoping (the claim stays where it
    # was filed even if the institution later moves).
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所在地区"))
    period_start = models.DateField(_("申报起始月份"))
    period_end = models.DateField(_("申报截止月份"))
    status = models.CharField(
        _("状态"), max_length=16, choices=ClaimStatus.choices, default=ClaimStatus.DRAFT, db_index=True
    )
    amount_claimed = models.DecimalField(_("申报金额（元）"), max_digits=14, decimal_places=2, default=0)
    amount_approved = models.DecimalField(
        _("核定金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    basis_note = models.TextField(_("申报说明"), blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("填报人"),
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("民政审核人"),
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_note = models.TextField(_("审核意见"), blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("财政审批人"),
    )
    approved_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    approval_note = models.TextField(_("审批意见"), blank=True)
    paid_on = models.DateField(_("拨付日期"), null=True, blank=True)
    paid_amount = models.DecimalField(
        _("拨付金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    payment_reference = models.CharField(_("拨付凭证号"), max_length=60, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("拨付登记人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = SubsidyClaimQuerySet.as_manager()
    scope = Scope(region="region", domain="programme__domain")
    write_rules = WriteRules(
        region="region",
        label="补贴申报",
        actions={
            "file": CIVIL_AFFAIRS,
            "review": CIVIL_AFFAIRS,
            "approve": FINANCE_ACTS,
            "pay": FINANCE_ACTS,
            "recover": CIVIL_AFFAIRS,
        },
    )

    class Meta:
        verbose_name = _("补贴申报")
        verbose_name_plural = _("补贴申报")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["institution", "period_start"], name="funds_claim_inst_period")]

    def __str__(self) -> str:
        return f"{self.number} {self.institution}"

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE


class LineKind(models.TextChoices):
    NEW_BEDS = "new_beds", _("新增床位")
    OCCUPIED_BEDS = "occupied_beds", _("入住床位")
    RESIDENT = "resident", _("入住老人")
    OTHER = "other", _("其他（保险、购买服务、项目）")


class ClaimLine(models.Model):
    """One line of a claim: a number of beds for a month, or one resident for a month.

    ``institution`` and ``month`` are copied from the claim so the anomaly rules are single
    indexed statements over millions of lines (bench/bench_funds.py)."""

    claim = models.ForeignKey(
        SubsidyClaim, on_delete=models.CASCADE, related_name="lines", verbose_name=_("申报")
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="+", verbose_name=_("机构")
    )
    month = models.DateField(_("月份"), help_text=_("该月第一天"))
    kind = models.CharField(_("类别"), max_length=16, choices=LineKind.choices)
    quantity = models.PositiveIntegerField(_("数量"), default=1)
    care_level = models.CharField(_("护理等级"), max_length=12, choices=CareLevel.choices, blank=True)
    resident_name = models.CharField(_("老人姓名"), max_length=50, blank=True)
    id_hash = models.CharField(_("身份证号摘要"), max_length=64, blank=True, db_index=True)
    id_masked = models.CharField(_("身份证号"), max_length=24, blank=True)
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2, default=0)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="claim__region", domain="claim__programme__domain")

    class Meta:
        verbose_name = _("申报明细")
        verbose_name_plural = _("申报明细")
        ordering = ["month", "pk"]
        indexes = [
            models.Index(fields=["month", "id_hash"], name="funds_line_month_person"),
            models.Index(fields=["institution", "month"], name="funds_line_inst_month"),
        ]

    def __str__(self) -> str:
        return f"{self.claim.number} {self.month:%Y-%m} {self.get_kind_display()}"


# --- flags -------------------------------------------------------------------------------------


class FlagStatus(models.TextChoices):
    OPEN = "open", _("待复核")
    UNDER_REVIEW = "under_review", _("复核中")
    CLOSED = "closed", _("已办结")


class FlagOutcome(models.TextChoices):
    CONFIRMED = "confirmed", _("属实")
    DISMISSED = "dismissed", _("不属实（已排除）")
    CORRECTED = "corrected", _("已整改纠正")


FLAG_TRANSITIONS: dict[tuple[str, str], str] = {
    (FlagStatus.OPEN, FlagStatus.UNDER_REVIEW): "review_flag",
    (FlagStatus.OPEN, FlagStatus.CLOSED): "review_flag",
    (FlagStatus.UNDER_REVIEW, FlagStatus.CLOSED): "review_flag",
}


class FundFlagQuerySet(ScopedQuerySet):
    def unresolved(self) -> FundFlagQuerySet:
        return self.exclude(status=FlagStatus.CLOSED)


class FundFlag(models.Model):
    """One suspicion about an institution's money, raised by a rule (``rule`` is the code of a
    rule registered with ``funds.services.flags.register_flag_rule``) and closed by a review.

    The subject is a claim (``claim``) or any other row (``subject``: an escrow account, a
    ledger row); the same rule never flags the same subject twice while the flag is unresolved."""

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="fund_flags", verbose_name=_("机构")
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所在地区"))
    domain = models.ForeignKey(
        Domain, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("监管领域")
    )
    rule = models.CharField(_("规则"), max_length=60, db_index=True)
    reason = models.TextField(_("疑点说明"))
    status = models.CharField(
        _("状态"), max_length=16, choices=FlagStatus.choices, default=FlagStatus.OPEN, db_index=True
    )
    outcome = models.CharField(_("复核结论"), max_length=16, choices=FlagOutcome.choices, blank=True)
    outcome_note = models.TextField(_("复核说明"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("复核人"),
    )
    reviewed_at = models.DateTimeField(_("复核时间"), null=True, blank=True)
    claim = models.ForeignKey(
        SubsidyClaim,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="flags",
        verbose_name=_("补贴申报"),
    )
    subject_type = models.ForeignKey(
        ContentType,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("对象类型"),
    )
    subject_id = models.PositiveBigIntegerField(_("对象编号"), null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    # A key of the subject for the uniqueness of unresolved flags: "claim:12",
    # "deposits.escrowaccount:3", or "" (the institution itself). Written by the service only.
    subject_key = models.CharField(_("对象标识"), max_length=80, blank=True, editable=False)
    created_at = models.DateTimeField(_("发现时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = FundFlagQuerySet.as_manager()
    scope = Scope(region="region", domain="domain")
    write_rules = WriteRules(region="region", label="资金疑点", actions={"review": FLAG_REVIEWERS})

    class Meta:
        verbose_name = _("资金疑点")
        verbose_name_plural = _("资金疑点")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "institution", "subject_key"],
                condition=~Q(status="closed"),
                name="funds_flag_once_while_open",
            )
        ]
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="funds_flag_subject")]

    def __str__(self) -> str:
        return f"{self.rule_label} · {self.institution}"

    @property
    def rule_label(self) -> str:
        from ..services.flags import flag_rule_label

        return flag_rule_label(self.rule)

    @property
    def rule_source(self) -> str:
        from ..services.flags import flag_rule_source

        return flag_rule_source(self.rule)


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)
