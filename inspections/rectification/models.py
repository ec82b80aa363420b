"""Rectification notices (责令限期整改通知书) with their items, responses and signed acceptances
(一问题一整改，一整改一验收，一验收一签名), the suspension order drafted when a notice is not
rectified in time (责令停业整顿), listed supervision of 重大 hazards (挂牌督办) and
administrative penalties (行政处罚).

Status fields are written only by ``services/``; allowed transitions are the tables below, and
who may write is each model's ``write_rules`` (``supervision.core.policy``). Whether an item or a
listing is overdue is decided by its clock alone (``supervision.deadlines``), never by a date
copied here."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inspections.models import Finding, Inspection, Inspector
from inspections.models import publication_end as _publication_end
from inspections.models import publication_months as _publication_months
from institutions.models import Institution
from supervision.core.models import Department, Region
from supervision.core.policy import WriteRules
from supervision.core.scoping import Scope, ScopedQuerySet
from supervision.deadlines.models import Deadline, DeadlineState
from supervision.documents.models import OfficialDocument
from supervision.workcal.services import add_months

from .rules import DECIDERS, HANDLERS, LISTING_HANDLERS, LISTING_OPENERS, OWN, WAIVERS

ITEM_RULE = "rectification.item"
# 挂牌督办's own clock (shipped by migration 0004: no document gives a period, so the rule's length
# is a house default; a listing document that states a date pins it).
LISTING_RULE = "listing.supervision"
NOTICE_KIND, NOTICE_KIND_SHORT = "rectification", "整改"
SUSPENSION_KIND, SUSPENSION_KIND_SHORT = "suspension", "停整"

# --- publication periods ------------------------------------------------------------------
# How long a published rectification result or penalty stays on the public pages. Leaving is a
# query on ``published_until`` (the last day shown, inclusive), so no job has to run. The
# defaults may be overridden per deployment with ``settings.PUBLICATION_MONTHS`` (same keys).
#
# Penalties count from the decision date (自行政处罚决定之日起), following the 信用修复 rules
# on administrative-penalty information: a warning (警告、通报批评) is public for 3 months; any
# other penalty at least 6 months and at most 3 years. We publish the others for the maximum,
# 3 years, because ending publication after the 6-month minimum is credit repair (信用修复), a
# decision on the party's application, not a default. Rectification results have no term in
# the seed documents (003 11. only says "及时向社会公布"); 责令改正 is not a penalty (行政处罚法
# art. 28), so they get the shorter term of ordinary dishonesty information, 1 year from
# publication. All are house defaults to confirm against the provincial rules.
PUBLICATION_MONTHS: dict[str, int] = {
    "penalty.warning": 3,
    "penalty": 36,
    "rectification_result": 12,
}


# 信用修复: a penalty other than a warning may leave the public pages early, on the party's
# application, once it has been public for this many months from the decision (the minimum term
# of the same rules); a warning's 3 months are fixed and cannot be shortened.
CREDIT_REPAIR_MINIMUM_MONTHS = 6


def publication_months(key: str) -> int:
    """Months of publication for ``key`` (``penalty.<kind>``, ``penalty`` or
    ``rectification_result``): the setting's value, else the default; the most specific key wins."""
    return _publication_months(key, PUBLICATION_MONTHS)


def publication_end(start: dt.date, key: str) -> dt.date:
    """Last day shown for a term of ``publication_months(key)`` starting on ``start``: the day
    before the same date ``months`` later (3 months from 2026-01-15 → 2026-04-14)."""
    return _publication_end(start, key, PUBLICATION_MONTHS)


def earliest_early_end(decided_on: dt.date) -> dt.date:
    """The first day a penalty decided on ``decided_on`` may be off the public pages through
    信用修复: after ``CREDIT_REPAIR_MINIMUM_MONTHS`` of publication."""
    return add_months(decided_on, CREDIT_REPAIR_MINIMUM_MONTHS)


DEFAULT_CONSEQUENCE = (
    "逾期未整改或者整改不合格的，本机关将依法责令停业整顿，并依照《养老机构管理办法》等规定予以处理；"
    "需要采取行政强制措施的，移送有权机关依法处理；整改情况将记入信用记录并向社会公开。"
)


# --- clocks --------------------------------------------------------------------------------


def overdue_clock(today: dt.date | None = None) -> Q:
    """The engine's own test of an overdue clock: marked overdue by the sweep, or still open
    with its due date passed (the condition the next sweep marks), so a page never waits for the
    sweep. Read on the Deadline row, never on a date copied onto the subject."""
    today = today or timezone.localdate()
    return Q(state=DeadlineState.OVERDUE) | Q(state=DeadlineState.OPEN, due__lt=today)


def clocks_of(model: type[models.Model], rule_code: str, subject: Any = None) -> models.QuerySet[Deadline]:
    """The ``rule_code`` clocks of rows of ``model`` (of ``subject`` when given, else correlated
    to the outer query's ``pk``), by app label and model name as ``FindingQuerySet.with_progress``."""
    opts = model._meta
    object_id: Any = OuterRef("pk") if subject is None else subject.pk
    return Deadline.objects.filter(
        content_type__app_label=opts.app_label,
        content_type__model=opts.model_name,
        object_id=object_id,
        rule__code=rule_code,
    )


def has_overdue_clock(model: type[models.Model], rule_code: str, today: dt.date | None = None) -> Exists:
    """``Exists`` of an overdue ``rule_code`` clock on the outer row: filters, lists, panels."""
    return Exists(clocks_of(model, rule_code).filter(overdue_clock(today)))


def _clock_overdue(obj: models.Model, rule_code: str) -> bool:
    annotated = getattr(obj, "clock_overdue", None)
    if annotated is not None:
        return bool(annotated)
    return clocks_of(type(obj), rule_code, obj).filter(overdue_clock()).exists()


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


# --- suspension orders ---------------------------------------------------------------------


class OrderStatus(models.TextChoices):
    DRAFT = "draft", _("待领导审批")
    APPROVED = "approved", _("已批准下达")


ORDER_TRANSITIONS: dict[tuple[str, str], str] = {(OrderStatus.DRAFT, OrderStatus.APPROVED): "approve"}


class SuspensionOrder(models.Model):
    """责令停业整顿决定书, drafted once per overdue notice, approved by a leader."""

    notice = models.OneToOneField(
        RectificationNotice,
        on_delete=models.PROTECT,
        related_name="suspension_order",
        verbose_name=_("整改通知书"),
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=OrderStatus.choices, default=OrderStatus.DRAFT, db_index=True
    )
    reasons = models.TextField(_("逾期未整改事项"))
    period_text = models.CharField(
        _("停业整顿期限"), max_length=200, default="自本决定送达之日起停业整顿，至整改验收合格之日止"
    )
    number = models.CharField(_("文号"), max_length=100, blank=True)
    document = models.ForeignKey(
        OfficialDocument,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("决定书"),
    )
    drafted_at = models.DateTimeField(_("起草时间"), auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("批准人"),
    )
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="notice__institution__region", department="notice__issuing_department")
    write_rules = WriteRules(
        region="notice__institution__region",
        department="notice__issuing_department",
        label="责令停业整顿决定书",
        actions={"approve": DECIDERS},
    )

    class Meta:
        verbose_name = _("责令停业整顿决定书")
        verbose_name_plural = _("责令停业整顿决定书")
        ordering = ["-drafted_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.number or '（待审批）'} {self.notice.institution}"


# --- listed supervision --------------------------------------------------------------------


class ListingStatus(models.TextChoices):
    OPEN = "open", _("督办中")
    CLOSED = "closed", _("已销号")


LISTING_TRANSITIONS: dict[tuple[str, str], str] = {(ListingStatus.OPEN, ListingStatus.CLOSED): "close"}


class ListingQuerySet(ScopedQuerySet):
    def with_clock(self, today: dt.date | None = None) -> ListingQuerySet:
        """Annotate ``clock_overdue`` (the listing's clock is overdue; ``is_overdue`` reads it)."""
        return self.annotate(clock_overdue=has_overdue_clock(ListedSupervision, LISTING_RULE, today))


class ListedSupervision(models.Model):
    """挂牌督办 of one 重大 hazard: the supervising government body, the period (its own
    ``listing.supervision`` clock; ``deadline`` is the date the listing states), progress reports
    and closure."""

    finding = models.OneToOneField(
        Finding, on_delete=models.PROTECT, related_name="listing", verbose_name=_("重大隐患")
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("承办部门")
    )
    supervising_body = models.CharField(_("挂牌督办机关"), max_length=100)
    deadline = models.DateField(_("督办期限"))
    status = models.CharField(
        _("状态"), max_length=10, choices=ListingStatus.choices, default=ListingStatus.OPEN, db_index=True
    )
    listed_on = models.DateField(_("挂牌日期"), default=dt.date.today)
    closed_on = models.DateField(_("销号日期"), null=True, blank=True)
    closure_note = models.TextField(_("销号说明"), blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("销号人"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("登记人"),
    )

    objects = ListingQuerySet.as_manager()
    scope = Scope(region="finding__institution__region", domain="finding__domain", department="department")
    write_rules = WriteRules(
        region="finding__institution__region",
        department="department",
        domain="finding__domain",
        label="挂牌督办",
        actions={"open": LISTING_OPENERS, "progress": LISTING_HANDLERS, "close": LISTING_HANDLERS},
    )

    class Meta:
        verbose_name = _("挂牌督办")
        verbose_name_plural = _("挂牌督办")
        ordering = ["status", "deadline", "pk"]

    def __str__(self) -> str:
        return f"{self.supervising_body} 挂牌督办 · {self.finding}"

    @property
    def is_overdue(self) -> bool:
        """Open and its clock overdue (read on the Deadline, see ``overdue_clock``)."""
        return self.status == ListingStatus.OPEN and _clock_overdue(self, LISTING_RULE)


class ListingProgress(models.Model):
    listing = models.ForeignKey(
        ListedSupervision, on_delete=models.CASCADE, related_name="progress", verbose_name=_("挂牌督办")
    )
    reported_on = models.DateField(_("报告日期"), default=dt.date.today)
    text = models.TextField(_("进展情况"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("报告人"),
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("督办进展")
        verbose_name_plural = _("督办进展")
        ordering = ["reported_on", "pk"]

    def __str__(self) -> str:
        return f"{self.reported_on} {self.text[:20]}"


# --- penalties -----------------------------------------------------------------------------


class PenaltyKind(models.TextChoices):
    WARNING = "warning", _("警告")
    FINE = "fine", _("罚款")
    CONFISCATION = "confiscation", _("没收违法所得、没收非法财物")
    SUSPENSION = "suspension", _("责令停产停业")
    LICENCE = "licence", _("暂扣或吊销许可证件")
    OTHER = "other", _("其他")


class AppealStatus(models.TextChoices):
    NONE = "none", _("未申请复议或起诉")
    RECONSIDERATION = "reconsideration", _("行政复议中")
    LITIGATION = "litigation", _("行政诉讼中")
    UPHELD = "upheld", _("维持")
    CHANGED = "changed", _("变更")
    REVOKED = "revoked", _("撤销")


class Penalty(models.Model):
    """行政处罚决定: decision number, legal basis, type (fine with amount), date, appeal status."""

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="penalties", verbose_name=_("当事机构")
    )
    findings = models.ManyToManyField(
        Finding, blank=True, related_name="penalties", verbose_name=_("相关问题")
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("处罚机关")
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("处罚机关所在区划")
    )
    decision_number = models.CharField(_("决定书文号"), max_length=100)
    kind = models.CharField(_("处罚种类"), max_length=16, choices=PenaltyKind.choices)
    fine_amount = models.DecimalField(
        _("罚款金额（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    confiscated = models.CharField(_("没收财物/违法所得"), max_length=300, blank=True)
    facts = models.TextField(_("违法事实"))
    legal_basis = models.CharField(_("处罚依据"), max_length=300)
    decided_on = models.DateField(_("决定日期"))
    legal_representative = models.CharField(_("法定代表人（负责人）"), max_length=50, blank=True)
    appeal_status = models.CharField(
        _("复议诉讼状态"), max_length=16, choices=AppealStatus.choices, default=AppealStatus.NONE
    )
    published_on = models.DateField(_("公示日期"), null=True, blank=True)
    published_until = models.DateField(
        _("公示截止日期"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("公示至该日（含）；之后自动从公开页面撤下。未设置的不公开。"),
    )
    publication_ended_on = models.DateField(
        _("提前结束公示日期"),
        null=True,
        blank=True,
        help_text=_("经信用修复提前结束公示的，自该日起不再公示。"),
    )
    publication_end_reason = models.TextField(_("提前结束公示理由"), blank=True)
    public_changed_at = models.DateTimeField(
        _("公示信息更新时间"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("公示、复议诉讼状态变更或撤销的时间（变更订阅据此提供）。"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("录入人"),
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(region="institution__region", department="department", institution="institution")
    # The deciding department's acting posts record the decision (under their own post, passed
    # as ``department=``), its appeal status and, for 信用修复, the early end of publication.
    write_rules = WriteRules(
        region="institution__region",
        department="department",
        label="行政处罚",
        reasons={"create": "您在该机构所在辖区没有监管执法岗位，不能登记行政处罚。"},
        actions={"create": HANDLERS, "appeal": HANDLERS, "end_publication": HANDLERS},
    )

    class Meta:
        verbose_name = _("行政处罚")
        verbose_name_plural = _("行政处罚")
        ordering = ["-decided_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["department", "decision_number"], name="uniq_penalty_decision"),
        ]

    def __str__(self) -> str:
        return f"{self.decision_number} {self.institution}"

    @property
    def is_revoked(self) -> bool:
        return self.appeal_status == AppealStatus.REVOKED

    def is_public(self, on: dt.date | None = None) -> bool:
        """Shown on the public pages on ``on`` (today): published, not revoked, in its period."""
        on = on or timezone.localdate()
        return (
            self.published_on is not None
            and self.appeal_status != AppealStatus.REVOKED
            and self.published_until is not None
            and self.published_until >= on
        )


# The institution's own additions (送达回证 online, further evidence files), in their own module.
from .institution_models import (  # noqa: E402, F401
    NoticeReceipt,
    PenaltyRepairApplication,
    RepairAttachment,
    ResponseAttachment,
)
