"""Models of the institution's side. Accounts first; filing, disclosure and reports in their modules."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from institutions.models import KEEP, Institution
from supervision.core.policy import WriteRules
from supervision.core.scoping import Scope, ScopedQuerySet

ACCOUNT_SCOPE = Scope(region="institution__region", any_department=True, institution="institution")


class Capacity(models.TextChoices):
    LEGAL_REPRESENTATIVE = "legal_representative", _("法定代表人")
    PRINCIPAL = "principal", _("主要负责人")
    CONTACT = "contact", _("联系人")


class InstitutionAccount(models.Model):
    """A sign-in of the institution itself, for a named person of it (issue 17). It holds no
    post: scoping shows it its own institution only, the write policy's OWN_INSTITUTION relation
    is all it may act under. Disabled, never deleted, when the institution terminates."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="institution_account",
        verbose_name=_("用户"),
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="accounts", verbose_name=_("机构")
    )
    person_name = models.CharField(_("姓名"), max_length=50)
    capacity = models.CharField(_("身份"), max_length=24, choices=Capacity.choices)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("开设人"),
    )
    created_at = models.DateTimeField(_("开设时间"), auto_now_add=True)
    disabled_at = models.DateTimeField(_("停用时间"), null=True, blank=True)
    disabled_reason = models.CharField(_("停用原因"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope = ACCOUNT_SCOPE
    write_rules = WriteRules(region="institution__region", actions={"keep": KEEP}, label="机构账户")

    class Meta:
        verbose_name = _("机构账户")
        verbose_name_plural = _("机构账户")
        ordering = ["institution", "pk"]

    def __str__(self) -> str:
        return f"{self.institution.name} · {self.person_name}（{self.get_capacity_display()}）"

    @property
    def active(self) -> bool:
        return self.disabled_at is None


class SignInCode(models.Model):
    """A one-time sign-in code (一次性登录码) for an account's first sign-in or a reset. Only its
    digest is stored; it expires, is used once, and is void after too many wrong tries."""

    account = models.ForeignKey(
        InstitutionAccount, on_delete=models.CASCADE, related_name="sign_in_codes", verbose_name=_("机构账户")
    )
    digest = models.CharField(_("摘要"), max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("有效期至"))
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(_("错误次数"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("签发人"),
    )
    created_at = models.DateTimeField(_("签发时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("一次性登录码")
        verbose_name_plural = _("一次性登录码")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.account} · {self.created_at:%Y-%m-%d %H:%M}"


from .disclosure_models import DisclosureChange, DisclosureRule, QualityDisclosure  # noqa: E402,F401
from .filing_models import FilingApplication, FirstResident  # noqa: E402,F401  (models of this app)
from .report_models import DrillPhoto, IncidentTimeliness  # noqa: E402,F401
