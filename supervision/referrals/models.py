"""Referrals (抄告): a problem outside the finder's remit handed in writing to the department
whose remit covers it (000 (十): within 7 working days; 线索互联、监管标准互通、处理结果互认).

* ``Referral`` – one referral of any subject (GenericForeignKey) with a snapshot of what the
  letter needs, the sending body (department at region), the current receiving body, its
  state and its letter (抄告函, an ``OfficialDocument`` whose subject is the referral itself).
* ``ReferralHop`` – every hand-over: the first sending and each re-routing (who, when, why).
* ``ReferralEvent`` – the timeline of steps (one row per service call that changed state), a
  ``StepEvent`` like every procedure's.

The allowed state changes are the ``TRANSITIONS`` table; only ``services`` writes ``state``,
through the one transition helper. Who may take each step is ``Referral.write_rules``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from supervision.core.models import Department, Domain, Region
from supervision.core.policy import ACTING, LIAISON, Allow, WriteRules
from supervision.core.scoping import Scope
from supervision.core.transitions import StepEvent, register_verbs

from .querysets import ReferralQuerySet


class ReferralState(models.TextChoices):
    DRAFT = "draft", _("草稿（待发出）")
    SENT = "sent", _("已抄告（待接收）")
    REROUTED = "rerouted", _("已转办（待接收）")
    ACKNOWLEDGED = "acknowledged", _("已接收（办理中）")
    RESPONDED = "responded", _("已反馈（待互认）")
    RECOGNISED = "recognised", _("结果已互认（办结）")
    CANCELLED = "cancelled", _("已撤回")


S = ReferralState

# (from, to) -> the service steps (``referral_<step>``) that perform it.
TRANSITIONS: dict[tuple[str, str], tuple[str, ...]] = {
    (S.DRAFT, S.SENT): ("send",),
    (S.SENT, S.ACKNOWLEDGED): ("acknowledge",),
    (S.REROUTED, S.ACKNOWLEDGED): ("acknowledge",),
    (S.SENT, S.REROUTED): ("reroute",),
    (S.REROUTED, S.REROUTED): ("reroute",),
    (S.ACKNOWLEDGED, S.REROUTED): ("reroute",),
    (S.ACKNOWLEDGED, S.RESPONDED): ("respond",),
    (S.RESPONDED, S.RECOGNISED): ("recognise",),
    # The sender withdraws a referral made in error, before the receiver has taken it up.
    (S.DRAFT, S.CANCELLED): ("cancel",),
    (S.SENT, S.CANCELLED): ("cancel",),
    (S.REROUTED, S.CANCELLED): ("cancel",),
}

STEP_LABELS: dict[str, str] = {
    "create": "登记抄告",
    "send": "发出抄告函",
    "acknowledge": "接收",
    "respond": "反馈办理结果",
    "reroute": "转办",
    "recognise": "结果互认",
    "cancel": "撤回抄告",
}

# Who takes each step: the sending body or the (current) receiving body.
SENDER_STEPS = ("create", "send", "recognise", "cancel")
RECEIVER_STEPS = ("acknowledge", "respond", "reroute")

# States in which the receiving body holds the referral (it sees the referral and its subject).
RECEIVED_STATES = (S.SENT, S.REROUTED, S.ACKNOWLEDGED, S.RESPONDED, S.RECOGNISED)
# States waiting for the receiving body.
AWAITING_ACK = (S.SENT, S.REROUTED)
AWAITING_RESPONSE = (S.SENT, S.REROUTED, S.ACKNOWLEDGED)
OPEN_STATES = (S.DRAFT, S.SENT, S.REROUTED, S.ACKNOWLEDGED, S.RESPONDED)


def steps_from(state: str) -> list[str]:
    """The service steps available from ``state`` (for action buttons and the API)."""
    out: list[str] = []
    for (frm, _to), steps in TRANSITIONS.items():
        for step in steps:
            if frm == state and step not in out:
                out.append(step)
    return out


def sender_body(assignment: Any, r: Referral) -> bool:
    """The post is of the sending body: its department, over the sending region."""
    return assignment.department_id == r.from_department_id and r.from_region.code.startswith(
        assignment.region.prefix
    )


def _sender_label(r: Referral | None) -> str:
    if r is None or r.from_region_id is None:  # type: ignore[attr-defined]
        return "抄告部门"
    return f"抄告部门（{r.sender_name}）"


sender_body.label = _sender_label  # type: ignore[attr-defined]


def receiver_body(assignment: Any, r: Referral) -> bool:
    """The post is of the (current) receiving body: its department, over the receiving region."""
    return assignment.department_id == r.to_department_id and r.to_region.code.startswith(
        assignment.region.prefix
    )


def _receiver_label(r: Referral | None) -> str:
    if r is None or r.to_region_id is None:  # type: ignore[attr-defined]
        return "接收部门"
    return f"接收部门（{r.receiver_name}）"


receiver_body.label = _receiver_label  # type: ignore[attr-defined]

# Liaisons (联络员, 004 附件2) are the departments' inter-department contacts: they may draft and
# send referrals for their department and acknowledge receipt of those sent to it. Deciding —
# recognising a result (结果互认), answering with a handling result, rerouting, withdrawing —
# is for the acting posts (inspector, leader, admin). Auditors (审计员) read only. Each side is
# judged at its own place (the relation holds the region), so ``in_region`` is off.
CARRIERS = ACTING + LIAISON
SENDS = (Allow(CARRIERS, sender_body, in_region=False),)
SENDER_DECIDES = (Allow(ACTING, sender_body, in_region=False),)
RECEIVES = (Allow(CARRIERS, receiver_body, in_region=False),)
RECEIVER_DECIDES = (Allow(ACTING, receiver_body, in_region=False),)


class Referral(models.Model):
    """One written referral (抄告) of a subject to the department responsible for its domain."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, verbose_name=_("对象类型"))
    object_id = models.PositiveBigIntegerField(_("对象编号"))
    subject = GenericForeignKey("content_type", "object_id")
    subject_repr = models.CharField(_("抄告对象"), max_length=200)

    # Snapshot of what the letter needs, given by the referring app (no import of it here).
    title = models.CharField(_("事由"), max_length=200)
    institution_name = models.CharField(_("机构名称"), max_length=200, blank=True)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True, db_index=True)
    description = models.TextField(_("问题描述"))
    evidence_summary = models.TextField(_("证据材料"), blank=True)
    domain = models.ForeignKey(
        Domain, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("监管领域")
    )
    found_on = models.DateField(_("发现日期"))

    from_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="referrals_sent", verbose_name=_("抄告部门")
    )
    from_region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="referrals_sent", verbose_name=_("抄告部门辖区")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("登记人"),
    )
    to_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="referrals_received", verbose_name=_("接收部门")
    )
    to_region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="referrals_received", verbose_name=_("接收部门辖区")
    )

    state = models.CharField(
        _("状态"), max_length=16, choices=ReferralState.choices, default=S.DRAFT, db_index=True
    )
    number = models.CharField(_("抄告函文号"), max_length=100, blank=True)
    letter = models.ForeignKey(
        "documents.OfficialDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("抄告函"),
    )
    sent_on = models.DateField(_("发出日期"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField(_("接收时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    responded_on = models.DateField(_("反馈日期"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action_taken = models.TextField(_("采取的措施"), blank=True)
    result = models.TextField(_("处理结果"), blank=True)
    recognised_at = models.DateTimeField(_("互认时间"), null=True, blank=True)
    recognised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recognition_note = models.TextField(_("互认意见"), blank=True)

    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ReferralQuerySet.as_manager()
    # The sending side sees it like any record of its department (lead department: all of its
    # jurisdiction; a partner: its own or its remit). The receiving side is added by the scope
    # extension registered in apps.py (the same one that opens the subject to it).
    scope = Scope(region="from_region", domain="domain", department="from_department")
    write_rules = WriteRules(
        region="from_region",
        label="抄告",
        actions={
            "create": SENDS,
            "send": SENDS,
            "recognise": SENDER_DECIDES,
            "cancel": SENDER_DECIDES,
            "acknowledge": RECEIVES,
            "respond": RECEIVER_DECIDES,
            "reroute": RECEIVER_DECIDES,
        },
    )

    class Meta:
        verbose_name = _("抄告")
        verbose_name_plural = _("抄告")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="referral_subject_idx"),
            models.Index(fields=["to_department", "state"], name="referral_receiver_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number or _('抄告（草稿）')} {self.title}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("referrals:detail", args=[self.pk])

    # Official names of the two bodies (阳谷县消防救援大队), once ``prime_official_names`` has read
    # them for a page of referrals in one query; until then "region + department" (no query per row).
    _official_names: dict[tuple[int, int], str] | None = None

    def _body_name(self, department: Any, region: Any) -> str:
        names = self._official_names or {}
        return names.get((department.pk, region.pk)) or f"{region.name}{department.name}"

    @property
    def sender_name(self) -> str:
        return self._body_name(self.from_department, self.from_region)

    @property
    def receiver_name(self) -> str:
        return self._body_name(self.to_department, self.to_region)

    def allowed_steps(self) -> list[str]:
        return steps_from(self.state)


class ReferralHop(models.Model):
    """One hand-over of a referral: the sending (first hop) or a re-routing by the receiver."""

    class Kind(models.TextChoices):
        SEND = "send", _("抄告")
        REROUTE = "reroute", _("转办")

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="hops")
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    from_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("移出部门")
    )
    from_region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    to_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name=_("接收部门")
    )
    to_region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    on = models.DateField(_("日期"))
    reason = models.TextField(_("理由"), blank=True)

    class Meta:
        verbose_name = _("抄告流转")
        verbose_name_plural = _("抄告流转")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_department} → {self.to_department}"


class ReferralEvent(StepEvent):
    """One step in a referral's timeline (who did what, when, with what note)."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(_("原状态"), max_length=20, choices=ReferralState.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=20, choices=ReferralState.choices)

    class Meta(StepEvent.Meta):
        verbose_name = _("抄告办理记录")
        verbose_name_plural = _("抄告办理记录")

    @property
    def step_label(self) -> str:
        return STEP_LABELS.get(self.step, self.step)


# The steps' Chinese names, for refusals of the transition helper on a referral (a verb such as
# "respond" means something else on other models).
register_verbs(STEP_LABELS, model=Referral)


def prime_official_names(referrals: Any) -> list[Referral]:
    """Read the official names of the sending and receiving bodies of ``referrals`` in one query
    (``official_names``), so that ``sender_name``/``receiver_name`` print them; returns the list."""
    from supervision.core.department_titles import official_names

    items = list(referrals)
    names = official_names(
        pair for r in items for pair in ((r.from_department, r.from_region), (r.to_department, r.to_region))
    )
    for r in items:
        r._official_names = names
    return items
