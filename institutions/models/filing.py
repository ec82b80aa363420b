"""Filing (备案) and its on-site verification."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from supervision.core.scoping import ScopedQuerySet

# ``institution``: an institution account (机构端) sees its own rows (supervision/core/scoping.py).
from .common import INSTITUTION_SCOPE, STAFF_ONLY_SCOPE
from .registry import Institution

# --- Filing (备案) and its on-site verification ----------------------------------------------


class FilingKind(models.TextChoices):
    INITIAL = "initial", _("备案")
    CHANGE = "change", _("变更备案")


class Filing(models.Model):
    """A filing (养老机构管理办法 art. 11): the application, the registration certificate and the
    written credit commitment (信用承诺书, published); or a change filing with its field diff."""

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="filings", verbose_name=_("机构")
    )
    kind = models.CharField(_("类型"), max_length=10, choices=FilingKind.choices, default=FilingKind.INITIAL)
    submitted_on = models.DateField(_("备案日期"))
    applicant = models.CharField(_("备案申请人"), max_length=100, blank=True)
    certificate_number = models.CharField(_("登记证书编号"), max_length=60, blank=True)
    # The stored name of the scan in the private file store (supervision/files): never under
    # MEDIA_ROOT, never the uploader's name; downloaded only through the filing's scoped view.
    certificate_file = models.CharField(_("登记证书扫描件"), max_length=200, blank=True, editable=False)
    commitment_text = models.TextField(_("信用承诺书"), blank=True)
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)
    note = models.TextField(_("备注"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("经办人")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope = INSTITUTION_SCOPE

    class Meta:
        verbose_name = _("备案")
        verbose_name_plural = _("备案")
        ordering = ["-submitted_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.institution} · {self.get_kind_display()} {self.submitted_on}"


class OnsiteResult(models.TextChoices):
    CONSISTENT = "consistent", _("备案信息属实")
    INCONSISTENT = "inconsistent", _("备案信息与实际不符，需整改")
    UNFILED_URGED = "unfiled_urged", _("未备案，已督促备案")
    NOT_OPERATING = "not_operating", _("实际未开展养老服务")


class OnsiteCheck(models.Model):
    """A simple on-site verification record (full inspections live in ``inspections``); it
    closes the open 20-working-day clocks of the institution."""

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="onsite_checks", verbose_name=_("机构")
    )
    checked_on = models.DateField(_("核查日期"))
    inspectors = models.CharField(_("核查人员"), max_length=200)
    result = models.CharField(_("核查结论"), max_length=20, choices=OnsiteResult.choices)
    notes = models.TextField(_("情况说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("录入人")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope = STAFF_ONLY_SCOPE

    class Meta:
        verbose_name = _("现场核查")
        verbose_name_plural = _("现场核查")
        ordering = ["-checked_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.institution} · {self.checked_on}"
