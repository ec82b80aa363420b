"""Online filing (在线备案, 《养老机构管理办法》 arts. 10–12) by the institution itself."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from institutions.models import KEEP, OWN, Filing, Institution
from supervision.core.models import Region
from supervision.core.policy import WriteRules
from supervision.core.scoping import Scope, ScopedQuerySet

PORTAL_SCOPE = Scope(region="institution__region", any_department=True, institution="institution")


class RegistrationLevel(models.TextChoices):
    """The level of a non-profit's registration authority: it files with civil affairs there (art. 10)."""

    COUNTY = "county", _("县级")
    CITY = "city", _("设区的市级")
    PROVINCE = "province", _("省级")


LEVEL_NUMBER = {RegistrationLevel.COUNTY: 3, RegistrationLevel.CITY: 2, RegistrationLevel.PROVINCE: 1}


class Commitment(models.TextChoices):
    """The written commitment of art. 11 (五): the safety of building, fire, food, medical, equipment."""

    BUILDING = "building", _("建筑安全：养老服务设施符合建筑安全要求")
    FIRE = "fire", _("消防安全：符合消防安全要求，落实消防安全责任")
    FOOD = "food", _("食品安全：符合食品安全要求，依法取得食品经营资质或委托具备资质的单位供餐")
    MEDICAL = "medical", _("医疗卫生安全：医疗卫生服务符合有关规定")
    EQUIPMENT = "special_equipment", _("特种设备安全：电梯、锅炉等特种设备依法登记、检验")


class ApplicationState(models.TextChoices):
    RETURNED = "returned", _("材料不齐，已退回补正")
    ACCEPTED = "accepted", _("已备案，已出具备案回执")


class FilingApplication(models.Model):
    """One online filing as the institution sent it. Complete: the registry's filing is made
    (``filing_submit``), the 20-working-day on-site check starts, and a 备案回执 is issued.
    Incomplete: returned with the full list of what is missing (art. 12: 一次性告知)."""

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="filing_applications", verbose_name=_("机构")
    )
    state = models.CharField(_("办理结果"), max_length=12, choices=ApplicationState.choices)
    name = models.CharField(_("机构名称"), max_length=200)
    address = models.CharField(_("服务场所地址"), max_length=300, blank=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=50, blank=True)
    principal = models.CharField(_("主要负责人"), max_length=50, blank=True)
    premises_ownership = models.CharField(_("服务场所权属"), max_length=100, blank=True)
    beds = models.PositiveIntegerField(_("床位数"), default=0)
    floor_area = models.DecimalField(
        _("建筑面积（㎡）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    registration_level = models.CharField(
        _("登记管理机关层级"), max_length=10, choices=RegistrationLevel.choices, blank=True
    )
    bureau_region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("备案民政部门所在区划")
    )
    certificate_number = models.CharField(_("登记证书编号"), max_length=60, blank=True)
    certificate_file = models.CharField(_("登记证书扫描件"), max_length=200, blank=True, editable=False)
    commitments = models.JSONField(_("承诺事项"), default=list, blank=True)
    commitment_signed_by = models.CharField(_("承诺人（签名）"), max_length=50, blank=True)
    missing = models.JSONField(_("缺少的材料"), default=list, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("提交人"),
    )
    filing = models.OneToOneField(
        Filing,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="application",
        verbose_name=_("备案"),
    )
    receipt_number = models.CharField(_("备案回执编号"), max_length=100, blank=True)
    receipt_document_id = models.PositiveBigIntegerField(
        _("备案回执文书"), null=True, blank=True, editable=False
    )

    objects = ScopedQuerySet.as_manager()
    scope = PORTAL_SCOPE
    write_rules = WriteRules(region="institution__region", actions={"file": KEEP + OWN}, label="在线备案")

    class Meta:
        verbose_name = _("在线备案申请")
        verbose_name_plural = _("在线备案申请")
        ordering = ["-submitted_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} · {self.get_state_display()}（{self.submitted_at:%Y-%m-%d}）"


class FirstResident(models.Model):
    """The day the institution took in its first resident: it files within 10 working days (art. 10)."""

    institution = models.OneToOneField(
        Institution, on_delete=models.PROTECT, related_name="first_resident", verbose_name=_("机构")
    )
    taken_in_on = models.DateField(_("收住首位老年人日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记人"),
    )
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope = PORTAL_SCOPE

    class Meta:
        verbose_name = _("首位老年人入住")
        verbose_name_plural = _("首位老年人入住")

    def __str__(self) -> str:
        return f"{self.institution} · {self.taken_in_on}"
