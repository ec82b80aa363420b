"""Complaints and reports (投诉举报): one row per complaint, whatever the channel, routed by the
remit matrix to the department that answers for its domain in the institution's county
(民政牵头、归口负责), with a 5-working-day feedback clock (003 10.).

The complainant's name and phone are personal data: the phone is encrypted at rest; both are
masked on staff pages, shown in full only to the handling department's acting posts after they
give a reason (each unmasking audited, supervision/audit/unmask.py), never public."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from institutions.models import Institution
from supervision.audit.fields import EncryptedCharField
from supervision.core.models import Department, Domain, Region
from supervision.core.policy import ACTING, LEAD, OWNER, Allow, WriteRules
from supervision.core.scoping import Scope, ScopedQuerySet
from supervision.core.transitions import StepEvent


class Channel(models.TextChoices):
    WEB = "web", _("网上投诉")
    HOTLINE = "hotline", _("12345 热线")
    REFERRAL = "referral", _("部门移送/抄告")


class State(models.TextChoices):
    RECEIVED = "received", _("已受理")
    ASSIGNED = "assigned", _("已分办")
    IN_PROGRESS = "in_progress", _("办理中")
    REPLIED = "replied", _("已答复")
    CLOSED = "closed", _("已办结")
    MERGED = "merged", _("已合并（重复件）")


S = State
# (from, to): verb. Reassignment keeps the state (assigned/in_progress → assigned).
TRANSITIONS: dict[tuple[str, str], str] = {
    (S.RECEIVED, S.ASSIGNED): "route",
    (S.ASSIGNED, S.ASSIGNED): "reassign",
    (S.IN_PROGRESS, S.ASSIGNED): "reassign",
    (S.ASSIGNED, S.IN_PROGRESS): "start",
    (S.ASSIGNED, S.REPLIED): "reply",
    (S.IN_PROGRESS, S.REPLIED): "reply",
    (S.REPLIED, S.CLOSED): "close",
    (S.RECEIVED, S.MERGED): "merge",
    (S.ASSIGNED, S.MERGED): "merge",
    (S.IN_PROGRESS, S.MERGED): "merge",
}
OPEN_STATES = (S.RECEIVED, S.ASSIGNED, S.IN_PROGRESS)

# Chinese labels of the steps (the routing history, refusals).
VERBS = {
    "receive": "受理",
    "route": "按职责清单分办",
    "reassign": "改派",
    "start": "开始办理",
    "reply": "答复",
    "close": "办结",
    "merge": "合并重复件",
    "inspect": "发起核查检查",
}

# Handling (归口负责): the acting posts (admin, inspector, leader) of the handling department over
# the handling region (the county it was routed to). Auditors and liaisons of that department
# read the complaint (and see the complainant) but do not handle it; a township post does not
# act on a county's complaint; another county never does.
_HANDLER = (Allow(ACTING, OWNER),)


class Category(models.TextChoices):
    """What a citizen can pick without knowing the remit matrix; each maps to a domain."""

    FIRE = "fire", _("消防安全隐患")
    FOOD = "food", _("饮食/食品安全")
    SERVICE = "operations", _("服务质量、护理照料")
    FEES = "fees", _("收费、押金、预收费")
    ABUSE = "elder_abuse", _("欺老虐老、侵害老人权益")
    MEDICAL = "medical", _("医疗卫生、传染病")
    BUILDING = "building", _("房屋建筑安全")
    EQUIPMENT = "special_equipment", _("电梯等特种设备")
    FUNDRAISING = "illegal_fundraising", _("非法集资、会员卡/预付卡")
    OTHER = "", _("其他/不确定")


class Outcome(models.TextChoices):
    """What the handler's verification established (查证结论); 属实 and 部分属实 are "upheld"
    and enter the institution's credit record."""

    UPHELD = "upheld", _("属实")
    PARTLY = "partly", _("部分属实")
    UNFOUNDED = "unfounded", _("不属实")
    UNVERIFIABLE = "unverifiable", _("无法查实")


UPHELD_OUTCOMES = (Outcome.UPHELD, Outcome.PARTLY)


class Complaint(models.Model):
    """One complaint or report. ``region`` is where it happened (the institution's township,
    or the county/township the complainant chose); ``handling_region`` the county whose
    ``handling_department`` answers for it."""

    tracking_code = models.CharField(_("查询码"), max_length=12, unique=True)
    channel = models.CharField(_("来源渠道"), max_length=10, choices=Channel.choices)
    hotline_number = models.CharField(_("12345 工单号"), max_length=40, blank=True, db_index=True)
    referral = models.ForeignKey(
        "referrals.Referral",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("来源抄告"),
    )
    institution = models.ForeignKey(
        Institution,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
        verbose_name=_("被投诉机构"),
    )
    institution_name = models.CharField(_("机构名称（投诉人填写）"), max_length=200, blank=True)
    institution_address = models.CharField(_("机构地址（投诉人填写）"), max_length=300, blank=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("发生地"))
    category = models.CharField(_("投诉类别"), max_length=30, choices=Category.choices, blank=True)
    domain = models.ForeignKey(
        Domain, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("监管领域")
    )
    content = models.TextField(_("投诉内容"))
    complainant_name = models.CharField(_("投诉人姓名"), max_length=50, blank=True)
    # 匿名投诉: the complainant chose not to give a name or phone; none is stored.
    anonymous = models.BooleanField(_("匿名投诉"), default=False)
    # Encrypted at rest (a Fernet token in the database); masked on pages unless unmasked.
    complainant_phone = EncryptedCharField(_("投诉人电话"), max_length=30, blank=True)
    handling_department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("承办部门"),
    )
    handling_region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("承办辖区")
    )
    state = models.CharField(
        _("状态"), max_length=12, choices=State.choices, default=S.RECEIVED, db_index=True
    )
    received_at = models.DateTimeField(_("受理时间"), db_index=True)
    feedback_due = models.DateField(_("反馈期限"), null=True, blank=True)
    findings = models.TextField(_("核查情况"), blank=True)
    outcome = models.CharField(_("查证结论"), max_length=12, choices=Outcome.choices, blank=True)
    reply = models.TextField(_("答复意见"), blank=True, help_text=_("投诉人凭查询码可见；不得包含个人信息。"))
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
        verbose_name=_("合并至"),
    )
    inspection = models.ForeignKey(
        "inspections.Inspection",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("核查检查"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("登记人"),
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    # The lead department sees every complaint in its jurisdiction; a partner department only
    # those routed to it.
    scope = Scope(region="region", department="handling_department")
    write_rules = WriteRules(
        region="handling_region",
        department="handling_department",
        domain="domain",
        label="投诉举报",
        actions={
            "start": _HANDLER,
            "reply": _HANDLER,
            "close": _HANDLER,
            "merge": _HANDLER,
            "inspect": _HANDLER,
            # Seeing the complainant's name and phone in full (with a reason, audited).
            "unmask": _HANDLER,
            # 民政牵头、归口负责 (003 10.): the lead department routes a misrouted complaint on.
            "reassign": (*_HANDLER, Allow(ACTING, LEAD)),
            # Intake of a 12345 work order: civil affairs takes the hotline's orders for the
            # place where it happened (asked with ``region=`` the complaint's place before it
            # exists). Partner departments, auditors, liaisons and other counties do not.
            "intake_hotline": (Allow(ACTING, LEAD),),
            # Intake of a referral (抄告) as a complaint: the referral's receiving department
            # at its receiving region (asked with ``department=``/``region=`` of the referral).
            "intake_referral": (Allow(ACTING, OWNER),),
            # Routing by the remit matrix is the system's, on receipt.
            "route": (),
        },
        reasons={
            "intake_hotline": "12345 热线工单由发生地所在辖区的民政部门（牵头部门）登记，您的岗位无权登记。",
            "intake_referral": "抄告须由接收部门在其辖区内登记为投诉，您的岗位无权登记。",
            "route": "投诉由系统按职责清单分办。",
        },
    )

    class Meta:
        verbose_name = _("投诉举报")
        verbose_name_plural = _("投诉举报")
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["institution", "received_at"], name="complaint_inst_received")]

    def __str__(self) -> str:
        return f"{self.tracking_code} {self.display_institution}"

    @property
    def display_institution(self) -> str:
        return self.institution.name if self.institution_id and self.institution else self.institution_name

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class ComplaintEvent(StepEvent):
    """The routing and handling history of a complaint (staff only): the one step-event model,
    with the departments a routing step moved it between."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    from_department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta(StepEvent.Meta):
        verbose_name = _("投诉办理记录")
        verbose_name_plural = _("投诉办理记录")

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.step}"

    @property
    def step_label(self) -> str:
        return VERBS.get(self.step) or super().step_label


class ComplaintPhoto(models.Model):
    """A photo a complainant sent with the complaint, kept in the private file store (type by
    content, EXIF stripped, SHA-256). Staff who may see the complaint may download it."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="photos", verbose_name=_("投诉")
    )
    file = models.CharField(_("存储名"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    original_name = models.CharField(_("原文件名"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("投诉照片")
        verbose_name_plural = _("投诉照片")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name or self.file


def _register_revealable() -> None:
    from supervision.audit.unmask import Revealable, register
    from supervision.publicity.masking import mask_name, mask_phone

    register(
        Revealable(
            slug="complainant",
            model=Complaint,
            values=(
                ("投诉人姓名", "complainant_name", mask_name),
                ("投诉人电话", "complainant_phone", mask_phone),
            ),
            describe=lambda c: f"投诉 {c.tracking_code} 的投诉人",
            back=lambda c: f"/inspections/complaints/{c.pk}/",
        )
    )


_register_revealable()
