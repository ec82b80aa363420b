"""Rectification notices (整改通知书), their items, responses and acceptance."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inspections.models import Finding, Inspection, Inspector
from institutions.models import Institution
from supervision.core.models import Department, Region
from supervision.core.policy import WriteRules
from supervision.core.scoping import Scope, ScopedQuerySet
from supervision.documents.models import OfficialDocument

from ..rules import HANDLERS, OWN, WAIVERS
from .common import DEFAULT_CONSEQUENCE, ITEM_RULE, _clock_overdue, has_overdue_clock

# --- notices -------------------------------------------------------------------------------


class NoticeStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    ISSUED = "issued", _("已下达，整改中")
    CLOSED = "closed", _("整改完成，已销号")


NOTICE_TRANSITIONS: dict[tuple[str, str], str] = {
    (NoticeStatus.DRAFT, NoticeStatus.ISSUED): "issue",
    (NoticeStatus.ISSUED, NoticeStatus.CLOSED): "close",
}


class RectificationNotice(models.Model):
    """责令限期整改通知书: one institution, one or more problems, issued by a civil-affairs or
    partner department and numbered per department, region and year."""

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="rectification_notices", verbose_name=_("机构")
    )
    issuing_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="rectification_notices", verbose_name=_("下达部门")
    )
    issuing_region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("下达机关所在区划")
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.DRAFT, db_index=True
    )
    number = models.CharField(_("文号"), max_length=100, blank=True, db_index=True)
    consequence = models.TextField(_("逾期不整改的后果"), default=DEFAULT_CONSEQUENCE)
    reconsideration_body = models.CharField(
        _("行政复议机关"), max_length=100, blank=True, help_text=_("如：阳谷县人民政府")
    )
    court = models.CharField(_("行政诉讼法院"), max_length=100, blank=True, help_text=_("如：阳谷县人民法院"))
    issued_on = models.DateField(_("下达日期"), null=True, blank=True, db_index=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("下达人"),
    )
    document = models.ForeignKey(
        OfficialDocument,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("通知书"),
    )
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    published_on = models.DateField(_("结果公开日期"), null=True, blank=True, db_index=True)
    published_until = models.DateField(
        _("公开截止日期"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("公开至该日（含）；之后自动从公开页面撤下。未设置的不公开。"),
    )
    escalated_at = models.DateTimeField(_("逾期升级时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("起草人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    # The institution's account sees its own notices (the institution pages show issued ones only).
    scope = Scope(region="institution__region", department="issuing_department", institution="institution")
    write_rules = WriteRules(
        region="institution__region",
        department="issuing_department",
        label="整改通知书",
        reasons={"create": "您在该机构所在辖区没有监管执法岗位，不能下达整改通知。"},
        actions={
            # A new notice is drafted under the actor's own post (``services.issuing_post``
            # picks it); the service passes that department as ``department=``.
            "create": HANDLERS,
            "issue": HANDLERS,
            "discard": HANDLERS,
            # The API addresses an item through its notice: asked on the notice first.
            "respond": HANDLERS,
            "accept": HANDLERS,
            "reject": HANDLERS,
            # 送达回证 online: the institution signs for its own notice.
            "acknowledge": OWN,
        },
    )

    class Meta:
        verbose_name = _("责令限期整改通知书")
        verbose_name_plural = _("责令限期整改通知书")
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuing_department", "issuing_region", "number"],
                condition=~models.Q(number=""),
                name="uniq_rectification_notice_number",
            )
        ]

    def __str__(self) -> str:
        return f"{self.number or '（草稿）'} {self.institution}"

    @property
    def issuer_name(self) -> str:
        return f"{self.issuing_region.name}{self.issuing_department.name}"

    def is_public(self, on: dt.date | None = None) -> bool:
        """The result is shown on the public pages on ``on`` (today): closed, published, in its period."""
        on = on or timezone.localdate()
        return (
            self.status == NoticeStatus.CLOSED
            and self.published_on is not None
            and self.published_until is not None
            and self.published_until >= on
        )


class ItemState(models.TextChoices):
    PENDING = "pending", _("待整改")
    RESPONDED = "responded", _("已报整改，待验收")
    REJECTED = "rejected", _("验收不通过，继续整改")
    ACCEPTED = "accepted", _("验收通过")


ITEM_TRANSITIONS: dict[tuple[str, str], str] = {
    (ItemState.PENDING, ItemState.RESPONDED): "respond",
    (ItemState.REJECTED, ItemState.RESPONDED): "respond",
    (ItemState.RESPONDED, ItemState.RESPONDED): "respond",  # a further report before acceptance
    (ItemState.RESPONDED, ItemState.ACCEPTED): "accept",
    (ItemState.PENDING, ItemState.REJECTED): "reject",  # re-inspection found nothing done
    (ItemState.RESPONDED, ItemState.REJECTED): "reject",
    (ItemState.REJECTED, ItemState.REJECTED): "reject",
}
OPEN_ITEM_STATES = (ItemState.PENDING, ItemState.RESPONDED, ItemState.REJECTED)


class NoticeItemQuerySet(ScopedQuerySet):
    def unresolved(self) -> NoticeItemQuerySet:
        return self.filter(state__in=OPEN_ITEM_STATES)

    def with_clock(self, today: dt.date | None = None) -> NoticeItemQuerySet:
        """Annotate ``clock_overdue`` (the item's clock is overdue; ``is_overdue`` reads it) in one
        subquery, so a list costs no query per row."""
        return self.annotate(clock_overdue=has_overdue_clock(NoticeItem, ITEM_RULE, today))

    def overdue(self, today: dt.date | None = None) -> NoticeItemQuerySet:
        """Open items whose clock is overdue: the one definition of 逾期 for items."""
        return self.filter(has_overdue_clock(NoticeItem, ITEM_RULE, today), state__in=OPEN_ITEM_STATES)


class NoticeItem(models.Model):
    """One problem of a notice (一问题一整改) with its legal basis, requirement and own period.
    The problem text is copied from the finding: the issued document must not change."""

    notice = models.ForeignKey(
        RectificationNotice, on_delete=models.CASCADE, related_name="items", verbose_name=_("整改通知书")
    )
    finding = models.ForeignKey(
        Finding, on_delete=models.PROTECT, related_name="notice_items", verbose_name=_("问题隐患")
    )
    seq = models.PositiveSmallIntegerField(_("序号"), default=1)
    problem = models.TextField(_("问题"))
    legal_basis = models.CharField(_("法律依据"), max_length=300)
    requirement = models.TextField(_("整改要求"))
    period_workdays = models.PositiveSmallIntegerField(
        _("整改期限（工作日）"), null=True, blank=True, help_text=_("与“整改期限（日期）”二选一")
    )
    due_date_set = models.DateField(_("整改期限（日期）"), null=True, blank=True)
    due = models.DateField(_("整改截止日"), null=True, blank=True, db_index=True)
    state = models.CharField(
        _("状态"), max_length=10, choices=ItemState.choices, default=ItemState.PENDING, db_index=True
    )
    accepted_at = models.DateTimeField(_("验收通过时间"), null=True, blank=True)

    objects = NoticeItemQuerySet.as_manager()
    scope = Scope(
        region="notice__institution__region",
        department="notice__issuing_department",
        institution="notice__institution",
    )
    write_rules = WriteRules(
        region="notice__institution__region",
        department="notice__issuing_department",
        domain="finding__domain",
        label="整改事项",
        # The institution reports on its own items itself (机构端); staff may still record a report
        # handed in on paper. Acceptance stays the issuing department's.
        actions={"respond": HANDLERS + OWN, "accept": HANDLERS, "reject": HANDLERS, "waive": WAIVERS},
    )

    class Meta:
        verbose_name = _("整改事项")
        verbose_name_plural = _("整改事项")
        ordering = ["notice_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "finding"], name="uniq_notice_item_finding"),
        ]

    def __str__(self) -> str:
        return f"{self.notice.number or '草稿'} 第{self.seq}项"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_ITEM_STATES

    @property
    def is_overdue(self) -> bool:
        """Open and its clock overdue (read on the Deadline, see ``overdue_clock``)."""
        return self.is_open and _clock_overdue(self, ITEM_RULE)

    @property
    def period_text(self) -> str:
        if self.period_workdays:
            return f"{self.period_workdays}个工作日"
        return ""


class ItemResponse(models.Model):
    """The institution's report on one item (what was done, evidence): filed by the institution's
    own account online, or recorded by staff from a report handed in on paper."""

    item = models.ForeignKey(
        NoticeItem, on_delete=models.CASCADE, related_name="responses", verbose_name=_("整改事项")
    )
    round = models.PositiveSmallIntegerField(_("轮次"), default=1)
    action_taken = models.TextField(_("整改措施及完成情况"))
    evidence_text = models.TextField(_("佐证材料说明"), blank=True)
    evidence_name = models.CharField(_("佐证文件名"), max_length=200, blank=True)
    evidence_path = models.CharField(_("佐证文件存储路径"), max_length=200, blank=True, editable=False)
    evidence_sha256 = models.CharField(_("佐证文件 SHA-256"), max_length=64, blank=True)
    responded_on = models.DateField(_("报告日期"), default=dt.date.today)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("录入人"),
    )
    recorded_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(
        region="item__notice__institution__region",
        department="item__notice__issuing_department",
        institution="item__notice__institution",
    )

    class Meta:
        verbose_name = _("整改报告")
        verbose_name_plural = _("整改报告")
        ordering = ["item_id", "round", "pk"]

    def __str__(self) -> str:
        return f"{self.item} · 第{self.round}次报告"


class Verdict(models.TextChoices):
    ACCEPTED = "accepted", _("验收通过")
    REJECTED = "rejected", _("验收不通过")


class Acceptance(models.Model):
    """一验收一签名: one acceptance decision on one item, signed by a named inspector, on a
    re-inspection (linked when one was recorded, else its date), with what was seen."""

    item = models.ForeignKey(
        NoticeItem, on_delete=models.CASCADE, related_name="acceptances", verbose_name=_("整改事项")
    )
    response = models.OneToOneField(
        ItemResponse,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="acceptance",
        verbose_name=_("对应整改报告"),
    )
    verdict = models.CharField(_("验收结论"), max_length=10, choices=Verdict.choices)
    acceptor = models.ForeignKey(
        Inspector, on_delete=models.PROTECT, related_name="+", verbose_name=_("验收人")
    )
    acceptor_name = models.CharField(_("验收人签名"), max_length=50)
    acceptor_certificate = models.CharField(_("执法证号"), max_length=40)
    observed = models.TextField(_("现场核查情况"))
    reinspection = models.ForeignKey(
        Inspection, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("复查")
    )
    reinspected_on = models.DateField(_("复查日期"))
    new_due = models.DateField(_("重新限定的整改截止日"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("录入账号"),
    )
    signed_at = models.DateTimeField(_("签名时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("整改验收签名")
        verbose_name_plural = _("整改验收签名")
        ordering = ["item_id", "signed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.item} · {self.get_verdict_display()} · {self.acceptor_name}"
