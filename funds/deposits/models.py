"""Deposits, guarantees and prepaid fees kept in escrow (押金、保证金、预收费专户存储).

* ``DepositPolicy`` – the checks' configuration per region (the nearest ancestor's row wins,
  a row without region is the default everywhere): the deposit cap in months of fees, the
  months a fee may be collected ahead (002 (六): 原则上床位、护理、伙食等费用按月收取) and the
  days allowed for a refund after a contract ends. Each value names its source, or says that it
  is a house default to confirm against the provincial rule.
* ``EscrowAccount`` – an institution's supervised account (资金监管专户): bank, account number
  (stored in full, shown masked), the supervision agreement in the private file store.
* ``BalanceReport`` – a balance of an account on a day, reported by the institution or by the
  supervising bank (or imported from their spreadsheet).
* ``FeeEntry`` – one resident's deposit, guarantee or prepaid fee: amount, date, the months it
  covers, the monthly fees it is measured against, the contract's end and the refund. The
  resident's ID number is stored keyed-hashed and masked (``institutions.personal``).
* ``FlagEscalation`` – a shortfall flag whose response clock lapsed, written by the stage
  handler (the flag itself is ``funds.FundFlag``, shared with subsidies).

Only ``services`` writes these rows; who may write is each model's ``write_rules``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from institutions.models import Institution
from supervision.core.models import Domain, Region
from supervision.core.policy import ACTING, LEAD, Allow, WriteRules
from supervision.core.scoping import Scope, ScopedQuerySet

# Deposits and prepaid fees are the "fees" domain of the remit matrix (000 (三): 民政部门会同有关
# 部门要加强对养老服务机构预收服务费用的规范管理): civil affairs leads.
FEES_DOMAIN = "fees"
# Civil affairs keeps the escrow register, the ledgers and the checks (004 (六): 搭建养老机构押金、
# 保证金监管平台，全面落实……专户存储规定).
KEEPERS = (Allow(ACTING, LEAD),)
KEEPER_REASON = (
    "押金、预收费监管事项由机构所在地民政部门（牵头部门）的监管执法人员、领导或管理员办理，您的岗位无权办理。"
)
MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2}


class DepositPolicy(models.Model):
    """The deposit checks' configuration for a region (None: the default everywhere)."""

    region = models.OneToOneField(
        Region,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deposit_policy",
        verbose_name=_("适用地区"),
        help_text=_("留空为全国默认；下级地区的设置优先"),
    )
    deposit_cap_months = models.DecimalField(
        _("押金上限（月费用倍数）"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("12"),
        help_text=_("押金（保证金）不超过床位费、护理费、伙食费月合计的倍数"),
    )
    prepay_max_months = models.PositiveSmallIntegerField(
        _("预收费最多月数"), default=1, help_text=_("原则上按月收取（002（六））")
    )
    refund_days = models.PositiveSmallIntegerField(
        _("退费期限（日）"), default=30, help_text=_("服务合同终止后退还押金、预收费的期限（自然日）")
    )
    source_document = models.CharField(_("依据文件"), max_length=300)
    source_article = models.CharField(_("条款"), max_length=100, blank=True)
    note = models.TextField(_("说明"), blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("资金监管规则")
        verbose_name_plural = _("资金监管规则")
        ordering = ["region__code"]

    def __str__(self) -> str:
        return f"{self.region.name if self.region else '全国默认'}资金监管规则"


class AccountStatus(models.TextChoices):
    ACTIVE = "active", _("在用")
    CLOSED = "closed", _("已撤销")


class EscrowAccount(models.Model):
    """An institution's supervised escrow account (资金监管专户) for deposits and prepaid fees."""

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="escrow_accounts", verbose_name=_("机构")
    )
    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, related_name="+", verbose_name=_("监管领域"))
    bank_name = models.CharField(_("开户银行"), max_length=100)
    account_name = models.CharField(_("账户名称"), max_length=200)
    # Stored in full for the bank's statements; every page and the API show ``masked_number``.
    account_number = models.CharField(_("账号"), max_length=40)
    opened_on = models.DateField(_("开户日期"))
    status = models.CharField(
        _("状态"), max_length=12, choices=AccountStatus.choices, default=AccountStatus.ACTIVE, db_index=True
    )
    agreement_path = models.CharField(_("监管协议文件"), max_length=200, blank=True)
    agreement_sha256 = models.CharField(_("监管协议 SHA-256"), max_length=64, blank=True)
    agreement_name = models.CharField(_("监管协议原文件名"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("登记人"),
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="institution__region", domain="domain")
    write_rules = WriteRules(
        region="institution__region",
        label="资金监管专户",
        actions={"keep": KEEPERS, "check": KEEPERS},
        reasons={"keep": KEEPER_REASON, "check": KEEPER_REASON},
    )

    class Meta:
        verbose_name = _("资金监管专户")
        verbose_name_plural = _("资金监管专户")
        ordering = ["institution__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["bank_name", "account_number"], name="deposits_uniq_account")
        ]

    def __str__(self) -> str:
        return f"{self.bank_name} {self.masked_number}"

    @property
    def masked_number(self) -> str:
        """Only the last four digits: 6222 **** **** 1234 → ****1234."""
        digits = "".join(self.account_number.split())
        return "****" + digits[-4:] if len(digits) > 4 else "****"


class ReportSource(models.TextChoices):
    INSTITUTION = "institution", _("机构报送")
    BANK = "bank", _("监管银行报送")
    STAFF = "staff", _("工作人员核实")


class BalanceReport(models.Model):
    """The balance of an escrow account on a day (the latest one is what the checks compare)."""

    account = models.ForeignKey(
        EscrowAccount, on_delete=models.CASCADE, related_name="balances", verbose_name=_("专户")
    )
    as_of = models.DateField(_("余额日期"))
    balance = models.DecimalField(_("专户余额（元）"), **MONEY)
    source = models.CharField(_("来源"), max_length=12, choices=ReportSource.choices)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("登记人"),
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="account__institution__region", domain="account__domain")

    class Meta:
        verbose_name = _("专户余额报告")
        verbose_name_plural = _("专户余额报告")
        ordering = ["-as_of", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["account", "as_of", "source"], name="deposits_uniq_balance")
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.as_of:%Y-%m-%d} {self.balance}"


class FeeKind(models.TextChoices):
    DEPOSIT = "deposit", _("押金")
    GUARANTEE = "guarantee", _("保证金")
    PREPAID = "prepaid", _("预收服务费（床位费、护理费、伙食费）")


# Kinds the cap applies to (a deposit or a guarantee held against the resident's fees).
CAPPED_KINDS = (FeeKind.DEPOSIT, FeeKind.GUARANTEE)


class FeeEntry(models.Model):
    """One resident's deposit, guarantee or prepaid fee held by an institution."""

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="fee_entries", verbose_name=_("机构")
    )
    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, related_name="+", verbose_name=_("监管领域"))
    kind = models.CharField(_("类别"), max_length=12, choices=FeeKind.choices, db_index=True)
    resident_name = models.CharField(_("老人姓名"), max_length=50)
    id_hash = models.CharField(_("身份证号摘要"), max_length=64, db_index=True)
    id_masked = models.CharField(_("身份证号"), max_length=24)
    amount = models.DecimalField(_("收取金额（元）"), **MONEY)
    received_on = models.DateField(_("收取日期"))
    monthly_fee = models.DecimalField(
        _("月费用合计（元）"), **MONEY, help_text=_("床位费、护理费、伙食费每月合计")
    )
    months_covered = models.PositiveSmallIntegerField(
        _("预收月数"), null=True, blank=True, help_text=_("预收服务费覆盖的月数")
    )
    contract_ended_on = models.DateField(_("合同终止日期"), null=True, blank=True)
    refunded_amount = models.DecimalField(_("已退金额（元）"), **MONEY, default=Decimal("0"))
    refunded_on = models.DateField(_("退费日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("登记人"),
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="institution__region", domain="domain")
    write_rules = WriteRules(
        region="institution__region", label="押金与预收费台账", actions={"keep": KEEPERS}
    )

    class Meta:
        verbose_name = _("押金与预收费台账")
        verbose_name_plural = _("押金与预收费台账")
        ordering = ["-received_on", "-pk"]
        constraints = [
            # One row per resident, kind and day: re-importing the same ledger changes nothing.
            models.UniqueConstraint(
                fields=["institution", "id_hash", "kind", "received_on"], name="deposits_uniq_fee"
            )
        ]
        indexes = [models.Index(fields=["institution", "kind"], name="deposits_fee_inst_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.id_masked} {self.amount}"

    @property
    def outstanding(self) -> Decimal:
        return max(self.amount - self.refunded_amount, Decimal("0"))


class FlagEscalation(models.Model):
    """A shortfall flag whose response clock lapsed: written once by the stage handler."""

    flag = models.OneToOneField(
        "funds.FundFlag", on_delete=models.CASCADE, related_name="deposit_escalation", verbose_name=_("疑点")
    )
    deadline = models.ForeignKey(
        "deadlines.Deadline", on_delete=models.CASCADE, related_name="+", verbose_name=_("时限")
    )
    escalated_at = models.DateTimeField(_("升级时间"))

    class Meta:
        verbose_name = _("逾期升级记录")
        verbose_name_plural = _("逾期升级记录")

    def __str__(self) -> str:
        return f"{self.flag} 逾期升级"


class FlagResponse(models.Model):
    """The institution's explanation of a shortfall flag (recorded by staff), which meets the
    flag's response clock; the flag is then reviewed and closed by ``flag_review``."""

    flag = models.ForeignKey(
        "funds.FundFlag", on_delete=models.CASCADE, related_name="deposit_responses", verbose_name=_("疑点")
    )
    text = models.TextField(_("机构说明"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("登记人"),
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("疑点说明")
        verbose_name_plural = _("疑点说明")
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.flag} 说明"


AUDITED: tuple[type[models.Model], ...] = (
    DepositPolicy,
    EscrowAccount,
    BalanceReport,
    FeeEntry,
    FlagEscalation,
    FlagResponse,
)
