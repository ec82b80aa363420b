"""The listing policy of a region and the grounds (民发〔2019〕103号)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from supervision.core.models import Region

# The objection window (陈述申辩期) of a notified listing: a clock of the deadline engine.
from .ledger import RecordKind

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
