"""Illegal fund-raising risk (以养老服务为名的非法集资风险排查, 000 (三), 002 (六), 004 (十)).

* ``RiskItem`` – one risk found by an inspector, from a complaint (its tracking code; the
  complaint category 非法集资、会员卡/预付卡) or reported by the police: its kind (会员卡,
  预付费套餐, returns promised on deposits, "health" products, investment in elderly-care
  "projects"), level, amounts and people involved, and its state. It is handed to 地方金融监管
  and 公安 through the one referral mechanism (``supervision.referrals``), with its clocks.
* ``RiskEvidence`` – evidence files (private file store).
* ``Screening`` – an institution screened in a year (the campaign's coverage, 004 (十)).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from institutions.models import Institution
from supervision.core.models import Department, Domain, Region
from supervision.core.policy import ACTING, ANY, LEAD, OWNER, Allow, WriteRules
from supervision.core.scoping import Scope, ScopedQuerySet

FUNDRAISING_DOMAIN = "illegal_fundraising"
# 000 (三): 地方金融监管、民政、公安部门要加强对以养老服务为名实施非法集资的风险排查 — any of
# them (and any department that comes across a risk) records it; the recording department,
# or civil affairs which coordinates, refers and closes it.
RECORD = (Allow(ACTING, ANY),)
HANDLE = (Allow(ACTING, OWNER), Allow(ACTING, LEAD))


class RiskKind(models.TextChoices):
    MEMBERSHIP_CARD = "membership_card", _("销售“会员卡”")
    PREPAID_PACKAGE = "prepaid_package", _("“预付费”养老服务套餐")
    DEPOSIT_RETURNS = "deposit_returns", _("承诺押金、保证金高额回报")
    HEALTH_PRODUCTS = "health_products", _("销售“保健品”等健康产品")
    PROJECT_INVESTMENT = "project_investment", _("以养老“项目”名义吸收投资")
    OTHER = "other", _("其他集资行为")


class RiskSource(models.TextChoices):
    INSPECTION = "inspection", _("监督检查发现")
    COMPLAINT = "complaint", _("投诉举报线索")
    POLICE = "police", _("公安机关通报")
    SCREENING = "screening", _("专项排查发现")


class RiskLevel(models.TextChoices):
    LOW = "low", _("低")
    MEDIUM = "medium", _("中")
    HIGH = "high", _("高")


class RiskState(models.TextChoices):
    OPEN = "open", _("待处置")
    REFERRED = "referred", _("已移送")
    CLOSED = "closed", _("已办结")


RISK_TRANSITIONS: dict[tuple[str, str], str] = {
    (RiskState.OPEN, RiskState.REFERRED): "refer_risk",
    (RiskState.OPEN, RiskState.CLOSED): "close_risk",
    (RiskState.REFERRED, RiskState.CLOSED): "close_risk",
}


class RiskItem(models.Model):
    """One illegal fund-raising risk at an institution (or at a place, for an unregistered one)."""

    institution = models.ForeignKey(
        Institution,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="fundraising_risks",
        verbose_name=_("机构"),
    )
    institution_name = models.CharField(_("机构或经营者名称"), max_length=200)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("发生地"))
    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, related_name="+", verbose_name=_("监管领域"))
    kind = models.CharField(_("风险类型"), max_length=24, choices=RiskKind.choices, db_index=True)
    source = models.CharField(_("线索来源"), max_length=16, choices=RiskSource.choices)
    complaint_code = models.CharField(
        _("投诉查询码"), max_length=20, blank=True, help_text=_("来源为投诉举报时填写投诉的查询码")
    )
    level = models.CharField(_("风险等级"), max_length=8, choices=RiskLevel.choices, db_index=True)
    description = models.TextField(_("风险情况"))
    amount_involved = models.DecimalField(
        _("涉及金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    people_involved = models.PositiveIntegerField(_("涉及人数"), null=True, blank=True)
    found_on = models.DateField(_("发现日期"))
    state = models.CharField(
        _("状态"), max_length=12, choices=RiskState.choices, default=RiskState.OPEN, db_index=True
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("登记部门")
    )
    department_region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("登记部门辖区")
    )
    outcome = models.TextField(_("处置结果"), blank=True)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
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
    # Visible to civil affairs, to the departments whose remit is illegal fund-raising (公安,
    # 地方金融监管), to the recording department, and to a referral's receiver.
    scope = Scope(region="region", domain="domain", department="department")
    write_rules = WriteRules(
        region="region",
        department="department",
        label="非法集资风险",
        actions={"record": RECORD, "refer": HANDLE, "close": HANDLE, "evidence": HANDLE},
    )

    class Meta:
        verbose_name = _("非法集资风险")
        verbose_name_plural = _("非法集资风险")
        ordering = ["-found_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.institution_name} · {self.get_kind_display()}"


class RiskEvidence(models.Model):
    """An evidence file of a risk item (image or PDF, private file store)."""

    item = models.ForeignKey(
        RiskItem, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("风险")
    )
    path = models.CharField(_("文件"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    original_name = models.CharField(_("原文件名"), max_length=200, blank=True)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("风险证据")
        verbose_name_plural = _("风险证据")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name or self.path


class ScreeningResult(models.TextChoices):
    NO_RISK = "no_risk", _("未发现风险")
    RISK_FOUND = "risk_found", _("发现风险")


class Screening(models.Model):
    """One institution screened for fund-raising risk in a year (the campaign's coverage)."""

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="fundraising_screenings", verbose_name=_("机构")
    )
    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, related_name="+", verbose_name=_("监管领域"))
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    screened_on = models.DateField(_("排查日期"))
    result = models.CharField(_("排查结果"), max_length=12, choices=ScreeningResult.choices)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("排查部门")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="institution__region", domain="domain", department="department")
    write_rules = WriteRules(region="institution__region", label="风险排查", actions={"record": RECORD})

    class Meta:
        verbose_name = _("风险排查")
        verbose_name_plural = _("风险排查")
        ordering = ["-screened_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "year", "department"], name="fundraising_uniq_screening"
            )
        ]

    def __str__(self) -> str:
        return f"{self.institution} {self.year}"


AUDITED: tuple[type[models.Model], ...] = (RiskItem, RiskEvidence, Screening)
