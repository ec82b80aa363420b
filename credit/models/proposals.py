"""Listing proposals, their states, steps and events."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from institutions.models import Institution, Person
from supervision.core.models import Department, Domain, Region
from supervision.core.policy import (
    ACTING,
    INSTITUTION,
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
from .common import OBJECTION_RULE
from .ledger import CreditRecord
from .policy import Ground, ListType


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
