"""What the institution itself adds (机构端, issue 17): its online acknowledgement of receipt of a
notice (送达回证), the further files of its rectification reports (photos and documents), and
its application for credit repair (信用修复) of a penalty's publication with its files.

All are written only by ``services/`` (``notice_acknowledge``, ``item_respond``, ``repair_apply``,
``repair_decide``); imported by ``models.py`` so Django finds them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from supervision.core.policy import WriteRules
from supervision.core.scoping import Scope, ScopedQuerySet

from .rules import REPAIR_APPLICANTS, REPAIR_DECIDERS

ONLINE_SERVICE = "电子送达（机构端在线签收）"


class NoticeReceipt(models.Model):
    """送达回证 signed online: the institution's account acknowledges receipt of an issued notice,
    recorded once with the time, the account and the named person who signed for it."""

    notice = models.OneToOneField(
        "rectification.RectificationNotice",
        on_delete=models.PROTECT,
        related_name="receipt",
        verbose_name=_("整改通知书"),
    )
    received_at = models.DateTimeField(_("签收时间"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("签收账号")
    )
    signer_name = models.CharField(_("受送达人签名"), max_length=50)
    signer_capacity = models.CharField(_("签收人身份"), max_length=30, blank=True)
    method = models.CharField(_("送达方式"), max_length=40, default=ONLINE_SERVICE)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(
        region="notice__institution__region",
        department="notice__issuing_department",
        institution="notice__institution",
    )

    class Meta:
        verbose_name = _("送达回证（在线签收）")
        verbose_name_plural = _("送达回证（在线签收）")
        ordering = ["-received_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.notice} · {self.signer_name} 签收"


class ResponseAttachment(models.Model):
    """One further evidence file (photo or PDF) of a rectification report, kept by the private
    file store; the report's first file stays on the report itself."""

    response = models.ForeignKey(
        "rectification.ItemResponse",
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("整改报告"),
    )
    name = models.CharField(_("文件名"), max_length=200)
    path = models.CharField(_("存储路径"), max_length=200, editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(
        region="response__item__notice__institution__region",
        department="response__item__notice__issuing_department",
        institution="response__item__notice__institution",
    )

    class Meta:
        verbose_name = _("整改佐证文件")
        verbose_name_plural = _("整改佐证文件")
        ordering = ["response_id", "pk"]

    def __str__(self) -> str:
        return self.name


# --- 信用修复 of a penalty's publication, applied for by the institution (issue 17) -----------


class RepairState(models.TextChoices):
    PENDING = "pending", _("待审核")
    GRANTED = "granted", _("已同意")
    REFUSED = "refused", _("不予同意")


# One step each way out of 待审核 (``services/repair.py``).
REPAIR_TRANSITIONS: dict[tuple[str, str], str] = {
    (RepairState.PENDING, RepairState.GRANTED): "repair_decide",
    (RepairState.PENDING, RepairState.REFUSED): "repair_decide",
}


class PenaltyRepairApplication(models.Model):
    """The institution's application (信用修复申请) to end a penalty's publication early, with its
    statement and files; the deciding department grants it (the publication then ends through
    ``penalty_end_publication``) or refuses it with a reason."""

    penalty = models.ForeignKey(
        "rectification.Penalty",
        on_delete=models.PROTECT,
        related_name="repair_applications",
        verbose_name=_("行政处罚"),
    )
    filed_at = models.DateTimeField(_("申请时间"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("申请账号")
    )
    statement = models.TextField(_("申请理由"))
    state = models.CharField(
        _("状态"), max_length=10, choices=RepairState.choices, default=RepairState.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("审核人"),
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_reason = models.TextField(_("审核意见"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(
        region="penalty__institution__region",
        department="penalty__department",
        institution="penalty__institution",
    )
    # The institution's own account applies (a create, judged with ``institution=`` given); the
    # penalty's deciding department decides (``rules.REPAIR_APPLICANTS`` / ``REPAIR_DECIDERS``).
    write_rules = WriteRules(
        region="penalty__institution__region",
        department="penalty__department",
        institution="penalty__institution",
        label="信用修复申请",
        actions={"apply": REPAIR_APPLICANTS, "decide": REPAIR_DECIDERS},
    )

    class Meta:
        verbose_name = _("信用修复申请")
        verbose_name_plural = _("信用修复申请")
        ordering = ["-filed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.penalty} · 信用修复申请"


class RepairAttachment(models.Model):
    """One file (image or PDF) of a credit-repair application, kept by the private file store."""

    application = models.ForeignKey(
        PenaltyRepairApplication,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("信用修复申请"),
    )
    name = models.CharField(_("文件名"), max_length=200)
    path = models.CharField(_("存储路径"), max_length=200, editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(
        region="application__penalty__institution__region",
        department="application__penalty__department",
        institution="application__penalty__institution",
    )

    class Meta:
        verbose_name = _("信用修复申请材料")
        verbose_name_plural = _("信用修复申请材料")
        ordering = ["application_id", "pk"]

    def __str__(self) -> str:
        return self.name
