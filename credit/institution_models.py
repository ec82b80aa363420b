"""What the institution itself files in a listing procedure (机构端, issue 17): the files of its
statement (陈述申辩) and of its application for early removal (信用修复), kept by the private
file store. Written only by ``services/procedure.py``; imported by ``models.py``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from supervision.core.scoping import Scope, ScopedQuerySet


class AttachmentPurpose(models.TextChoices):
    OBJECTION = "objection", _("陈述申辩材料")
    REMOVAL = "removal", _("提前移出申请材料")


class ProposalAttachment(models.Model):
    """One file (image or PDF) the institution attached to its statement or its application."""

    proposal = models.ForeignKey(
        "credit.ListingProposal", on_delete=models.CASCADE, related_name="attachments", verbose_name=_("程序")
    )
    purpose = models.CharField(_("用途"), max_length=10, choices=AttachmentPurpose.choices)
    name = models.CharField(_("文件名"), max_length=200)
    path = models.CharField(_("存储路径"), max_length=200, editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("上传人"),
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope = Scope(
        region="proposal__region",
        domain="proposal__domain",
        department="proposal__department",
        institution="proposal__institution",
    )

    class Meta:
        verbose_name = _("程序材料")
        verbose_name_plural = _("程序材料")
        ordering = ["proposal_id", "pk"]

    def __str__(self) -> str:
        return self.name
