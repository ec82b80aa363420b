"""What the claims are checked against, and what follows a false claim.

* ``AnomalyRuleConfig``: whether an anomaly rule runs and its threshold (admin-editable; a
  missing row means the rule's default, ``funds.anomalies.RULES``).
* ``ResidentStatusRecord``: the imported civil-affairs (deceased) or medical-insurance
  (hospital stay) lists, keyed by the keyed hash of the ID number like every person.
* ``VerifiedBeds``: the beds a check found to exist at an institution (a spot-check item, or an
  inspection's count entered by staff: funds reads no inspections).
* ``SpotCheckRound`` / ``SpotCheckItem``: the quarterly spot check of paid claims per county
  (003 4.), drawn verifiably (``supervision.core.draw``), each claim checked with a result;
  a third-party check can be recorded (001 (四)).
* ``RecoveryOrder`` / ``Repayment``: 追缴 of the full amount obtained by a false claim
  (002 (五)), its document, clock and repayments.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from institutions.models import Institution
from supervision.core.models import Region
from supervision.core.policy import WriteRules
from supervision.core.scoping import Scope, ScopedQuerySet
from supervision.documents.models import OfficialDocument

from ..rules import CIVIL_AFFAIRS, REPAYMENT_RECORDERS
from .claims import SubsidyClaim

SPOT_CHECK_RULE = "subsidy.quarterly_spot_check"
RECOVERY_RULE = "subsidy.recovery"
RECOVERY_KIND, RECOVERY_KIND_SHORT = "subsidy_recovery", "追缴"


class AnomalyRuleConfig(models.Model):
    """Switch and threshold of one anomaly rule (``funds.anomalies``)."""

    code = models.CharField(_("规则"), max_length=60, unique=True)
    enabled = models.BooleanField(_("启用"), default=True)
    threshold = models.DecimalField(
        _("阈值"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("留空用默认值；含义见各规则说明（如“较历史增幅倍数”“缺勤天数”）"),
    )
    note = models.TextField(_("说明"), blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("疑点规则设置")
        verbose_name_plural = _("疑点规则设置")
        ordering = ["code"]

    def __str__(self) -> str:
        from ..services.flags import flag_rule_label

        return flag_rule_label(self.code)


class ResidentStatusKind(models.TextChoices):
    DECEASED = "deceased", _("死亡（民政殡葬/户籍注销）")
    ABSENT = "absent", _("离院（住院等，医保结算）")


class ResidentStatusRecord(models.Model):
    """One row of an imported list: a person deceased on a date, or absent a number of days in
    a month (hospital stays from the medical-insurance settlement list)."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("导入地区"))
    kind = models.CharField(_("类别"), max_length=12, choices=ResidentStatusKind.choices)
    id_hash = models.CharField(_("身份证号摘要"), max_length=64, db_index=True)
    id_masked = models.CharField(_("身份证号"), max_length=24)
    name = models.CharField(_("姓名"), max_length=50, blank=True)
    date = models.DateField(_("日期"), help_text=_("死亡日期；离院记录为所属月份第一天"))
    # First day of the month of ``date``: the rules compare months in one indexed statement.
    month = models.DateField(_("所属月份"), editable=False)
    days_absent = models.PositiveIntegerField(_("离院天数"), default=0)
    source = models.CharField(_("数据来源"), max_length=100, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("导入时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="region")
    write_rules = WriteRules(region="region", label="人员状态名单", actions={"keep": CIVIL_AFFAIRS})

    class Meta:
        verbose_name = _("人员状态名单")
        verbose_name_plural = _("人员状态名单")
        ordering = ["-date", "pk"]
        indexes = [models.Index(fields=["id_hash", "kind", "month"], name="funds_status_person")]

    def __str__(self) -> str:
        return f"{self.id_masked} {self.get_kind_display()} {self.date:%Y-%m-%d}"

    def save(self, *args, **kwargs) -> None:
        self.month = self.date.replace(day=1)
        super().save(*args, **kwargs)


class VerifiedBeds(models.Model):
    """Beds a check found to exist at an institution on a day (实地核查床位数)."""

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="verified_beds", verbose_name=_("机构")
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所在地区"))
    verified_on = models.DateField(_("核查日期"))
    beds_found = models.PositiveIntegerField(_("实有床位数"))
    source = models.CharField(_("核查来源"), max_length=200, help_text=_("如：季度抽查、监督检查记录编号"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="region")
    write_rules = WriteRules(region="region", label="床位核查", actions={"keep": CIVIL_AFFAIRS})

    class Meta:
        verbose_name = _("床位核查")
        verbose_name_plural = _("床位核查")
        ordering = ["-verified_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.institution} {self.verified_on:%Y-%m-%d} 实有 {self.beds_found} 张"


# --- quarterly spot checks ----------------------------------------------------------------------


class RoundStatus(models.TextChoices):
    OPEN = "open", _("待抽取")
    COMMITTED = "committed", _("已公布抽取参数")
    DRAWN = "drawn", _("核查中")
    COMPLETED = "completed", _("已完成")


class SpotCheckRound(models.Model):
    """The spot check of one county for one quarter: a clock (``subsidy.quarterly_spot_check``),
    a committed seed and frozen inputs, the drawn claims, and the checks of each."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("县（市、区）")
    )
    year = models.PositiveIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"), choices=[(q, f"第{q}季度") for q in (1, 2, 3, 4)])
    status = models.CharField(
        _("状态"), max_length=12, choices=RoundStatus.choices, default=RoundStatus.OPEN, db_index=True
    )
    ratio = models.DecimalField(_("抽查比例"), max_digits=4, decimal_places=3, default=Decimal("0.200"))
    seed_hash = models.CharField(_("随机种子承诺值（SHA-256）"), max_length=64, blank=True)
    # Revealed only once the draw has run (commit, then reveal), as the double-random draw.
    seed = models.CharField(_("随机种子"), max_length=64, blank=True)
    inputs = models.JSONField(_("抽取参数"), default=dict, blank=True)
    result = models.JSONField(_("抽取结果"), default=dict, blank=True)
    committed_at = models.DateTimeField(_("公布参数时间"), null=True, blank=True)
    drawn_at = models.DateTimeField(_("抽取时间"), null=True, blank=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("抽取人"),
    )
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="region")
    write_rules = WriteRules(region="region", label="补贴资金季度抽查", actions={"check": CIVIL_AFFAIRS})

    class Meta:
        verbose_name = _("补贴资金季度抽查")
        verbose_name_plural = _("补贴资金季度抽查")
        ordering = ["-year", "-quarter", "region__code"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year", "quarter"], name="funds_uniq_round"),
        ]

    def __str__(self) -> str:
        return f"{self.region.name} {self.year}年第{self.quarter}季度补贴资金抽查"


class CheckResult(models.TextChoices):
    PENDING = "pending", _("待核查")
    PASSED = "passed", _("核查无误")
    PROBLEM = "problem", _("发现问题")


class SpotCheckItem(models.Model):
    """One drawn claim and its check against the institution's beds, status, inspections and
    staff."""

    round = models.ForeignKey(
        SpotCheckRound, on_delete=models.CASCADE, related_name="items", verbose_name=_("抽查")
    )
    claim = models.ForeignKey(
        SubsidyClaim, on_delete=models.PROTECT, related_name="spot_checks", verbose_name=_("补贴申报")
    )
    result = models.CharField(
        _("核查结果"), max_length=10, choices=CheckResult.choices, default=CheckResult.PENDING, db_index=True
    )
    checked_on = models.DateField(_("核查日期"), null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("核查人"),
    )
    beds_found = models.PositiveIntegerField(_("实有床位数"), null=True, blank=True)
    status_ok = models.BooleanField(_("机构运营状态相符"), null=True, blank=True)
    staff_ok = models.BooleanField(_("从业人员配备相符"), null=True, blank=True)
    inspections_note = models.TextField(_("监督检查情况"), blank=True)
    note = models.TextField(_("核查说明"), blank=True)
    third_party = models.CharField(_("第三方核查机构"), max_length=200, blank=True)
    third_party_conclusion = models.TextField(_("第三方核查结论"), blank=True)
    third_party_report = models.CharField(_("第三方核查报告"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="round__region")
    write_rules = WriteRules(region="round__region", label="抽查核查", actions={"check": CIVIL_AFFAIRS})

    class Meta:
        verbose_name = _("抽查核查")
        verbose_name_plural = _("抽查核查")
        ordering = ["round", "claim__number"]
        constraints = [models.UniqueConstraint(fields=["round", "claim"], name="funds_uniq_round_claim")]

    def __str__(self) -> str:
        return f"{self.round} · {self.claim.number}"


# --- recovery (追缴) ------------------------------------------------------------------------------


class RecoveryStatus(models.TextChoices):
    ISSUED = "issued", _("追缴中")
    PARTLY_REPAID = "partly_repaid", _("部分退回")
    REPAID = "repaid", _("已全额退回")


class RecoveryOrder(models.Model):
    """追缴 of the full amount of a claim obtained by a false claim (002 (五): 全额追回)."""

    claim = models.OneToOneField(
        SubsidyClaim, on_delete=models.PROTECT, related_name="recovery", verbose_name=_("补贴申报")
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="recovery_orders", verbose_name=_("机构")
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所在地区"))
    issuing_region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("追缴机关所在地区")
    )
    amount = models.DecimalField(_("追缴金额（元）"), max_digits=14, decimal_places=2)
    facts = models.TextField(_("骗取补贴的事实"))
    status = models.CharField(
        _("状态"), max_length=16, choices=RecoveryStatus.choices, default=RecoveryStatus.ISSUED, db_index=True
    )
    issued_on = models.DateField(_("下达日期"))
    due_on = models.DateField(_("退回期限"), null=True, blank=True)
    document = models.ForeignKey(
        OfficialDocument,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("追缴通知书"),
    )
    # The penalty is decided through the penalty procedure of inspections (a peer on the top
    # floor, which funds does not import): its decision number is recorded here as a fact.
    penalty_decision = models.CharField(_("行政处罚决定书文号"), max_length=100, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("下达人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="region", domain="claim__programme__domain")
    write_rules = WriteRules(
        region="region",
        label="补贴追缴",
        actions={"repay": REPAYMENT_RECORDERS, "keep": CIVIL_AFFAIRS},
    )

    class Meta:
        verbose_name = _("补贴追缴")
        verbose_name_plural = _("补贴追缴")
        ordering = ["-issued_on", "-pk"]

    def __str__(self) -> str:
        return f"追缴 {self.claim.number} {self.institution}"

    @property
    def repaid_total(self) -> Decimal:
        total = self.repayments.aggregate(s=Sum("amount"))["s"]
        return total or Decimal("0")

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.repaid_total


class Repayment(models.Model):
    """Money returned under a recovery order (partial repayments included)."""

    order = models.ForeignKey(
        RecoveryOrder, on_delete=models.CASCADE, related_name="repayments", verbose_name=_("追缴")
    )
    amount = models.DecimalField(_("退回金额（元）"), max_digits=14, decimal_places=2)
    paid_on = models.DateField(_("退回日期"))
    reference = models.CharField(_("缴款凭证号"), max_length=60, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("退回资金")
        verbose_name_plural = _("退回资金")
        ordering = ["paid_on", "pk"]

    def __str__(self) -> str:
        return f"{self.order} 退回 {self.amount}"
