"""The credit ledger: records by kind."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from institutions.models import Institution
from supervision.core.models import Department, Domain, Region
from supervision.core.policy import (
    ACTING,
    LEAD,
    OWNER,
    REMIT,
    Allow,
    WriteRules,
)
from supervision.core.scoping import Scope, ScopedQuerySet

# The objection window (陈述申辩期) of a notified listing: a clock of the deadline engine.


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
