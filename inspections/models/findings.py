"""Findings (隐患问题) with severity and status."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from institutions.models import Institution
from supervision.core.models import Department, Domain
from supervision.core.policy import ACTING, OWNER, REMIT, Allow, WriteRules
from supervision.core.scoping import Scope

from ..querysets import FindingQuerySet, RectificationProgress, ReferralProgress
from .records import Inspection, ItemResult

# --- Findings ------------------------------------------------------------------------------------


class Severity(models.TextChoices):
    GENERAL = "general", _("一般")
    SERIOUS = "serious", _("较大")
    MAJOR = "major", _("重大")


class FindingStatus(models.TextChoices):
    OPEN = "open", _("待整改")
    RECTIFIED = "rectified", _("已整改")
    CLOSED = "closed", _("已销号")


def _found_by_department(assignment: Any, finding: Any) -> bool:
    """The finder's department: it hands an out-of-remit finding to the responsible one."""
    return finding is not None and assignment.department_id == finding.found_by_department_id


_found_by_department.label = "发现部门"  # type: ignore[attr-defined]


class Finding(models.Model):
    """A problem or hazard (安全隐患) found at an institution. The three lists (隐患、整改、责任
    清单) are views of these rows. ``supervising_department`` answers for the domain by remit;
    a finding outside the finder's remit is handed to that department and referred to it in
    writing. Where the referral, the rectification notice and its period stand is read from
    those records (``objects.with_progress()``, ``querysets.py``), never copied here."""

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="findings", verbose_name=_("机构")
    )
    inspection = models.ForeignKey(
        Inspection,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="findings",
        verbose_name=_("检查"),
    )
    item_result = models.OneToOneField(
        ItemResult,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="finding",
        verbose_name=_("检查事项结果"),
    )
    domain = models.ForeignKey(
        Domain, on_delete=models.PROTECT, related_name="findings", verbose_name=_("领域")
    )
    severity = models.CharField(
        _("隐患等级"), max_length=8, choices=Severity.choices, default=Severity.GENERAL, db_index=True
    )
    description = models.TextField(_("问题描述"))
    evidence_note = models.TextField(_("证据"), blank=True)
    rectification_required = models.TextField(_("整改要求"), blank=True)
    # The period the finder wrote on the spot; once a notice is issued, its item's clock binds.
    rectify_by = models.DateField(_("整改期限"), null=True, blank=True)
    responsible_person = models.CharField(_("机构责任人"), max_length=50, blank=True)
    supervising_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="supervised_findings", verbose_name=_("监管部门")
    )
    found_by_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="found_findings", verbose_name=_("发现部门")
    )
    found_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("发现人"),
    )
    found_on = models.DateField(_("发现日期"), default=dt.date.today)
    listed_supervision = models.BooleanField(_("挂牌督办"), default=False, db_index=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=FindingStatus.choices, default=FindingStatus.OPEN, db_index=True
    )
    source_system = models.CharField(
        _("来源系统"), max_length=60, blank=True, help_text=_("部门业务系统通过接口报送时填写")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = FindingQuerySet.as_manager()
    scope = Scope(
        region="institution__region",
        domain="domain",
        department="supervising_department",
        institution="institution",
    )
    # A finding is recorded by an acting post of the finder's department over the institution's
    # region (``create`` is judged with that department given; inside an inspection the service
    # also asks the inspection's ``record``); any department records what it finds and an
    # out-of-remit finding is handed over by remit (000 (十)). The supervising department grades
    # it. Its rectification is marked by the department whose remit covers it (the notice's
    # acceptance). Auditors and liaisons read.
    write_rules = WriteRules(
        region="institution__region",
        department="supervising_department",
        domain="domain",
        label="问题隐患",
        actions={
            "create": (Allow(ACTING, OWNER),),
            "hand_over": (Allow(ACTING, _found_by_department),),
            "set_severity": (Allow(ACTING, OWNER),),
            "rectify": (Allow(ACTING, OWNER), Allow(ACTING, REMIT)),
        },
    )

    class Meta:
        verbose_name = _("问题隐患")
        verbose_name_plural = _("问题隐患")
        ordering = ["-found_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.institution} · {self.domain} · {self.get_severity_display()}"

    @property
    def referral_required(self) -> bool:
        """Handed by remit to another department than the one that found it: the finder owes
        that department a written referral (000 (十))."""
        return self.supervising_department_id != self.found_by_department_id

    # Labels of the ``with_progress`` annotations (the finding must come from that queryset).
    def get_referral_progress_display(self) -> str:
        return str(ReferralProgress(self.referral_progress).label)  # type: ignore[attr-defined]

    def get_rectification_progress_display(self) -> str:
        return str(RectificationProgress(self.rectification_progress).label)  # type: ignore[attr-defined]

    def referral_snapshot(self) -> dict[str, Any]:
        """What the referral form pre-fills for this finding (duck-typed by the referrals app)."""
        inst = self.institution
        return {
            "title": f"{inst.name}{self.domain.name}问题抄告",
            "institution_name": inst.name,
            "credit_code": inst.credit_code or "",
            "description": self.description,
            "evidence_summary": self.evidence_note,
            "domain": self.domain_id,
            "to_department": self.supervising_department_id if self.referral_required else None,
            "found_on": self.found_on,
        }
