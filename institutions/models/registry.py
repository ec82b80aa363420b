"""The institution (养老服务机构), keyed by the unified social credit code, with its kinds and statuses."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from supervision.core.models import Region
from supervision.core.policy import WriteRules
from supervision.core.scoping import Scope, ScopedQuerySet

from ..validators import validate_credit_code

# ``institution``: an institution account (机构端) sees its own rows (supervision/core/scoping.py).
from .common import KEEP, OWN, RECORD, REGISTRY_READ_ONLY, REPORT, REPORT_READ_ONLY

if TYPE_CHECKING:
    from .grading import GradeRating


class InstitutionKind(models.TextChoices):
    CARE_HOME = "care_home", _("养老机构")
    COMMUNITY = "community", _("居家社区养老服务机构")
    ASSESSMENT = "assessment", _("评估机构")
    TRAINING = "training", _("培训机构")


class InstitutionNature(models.TextChoices):
    FOR_PROFIT = "for_profit", _("营利性")
    NON_PROFIT = "non_profit", _("非营利性民办")
    PUBLIC = "public", _("公办")
    PUBLIC_PRIVATE = "public_private", _("公建民营")


class RegistrationAuthority(models.TextChoices):
    MARKET = "market", _("市场监管部门")
    CIVIL_AFFAIRS = "civil_affairs", _("民政部门（社会服务机构）")
    PUBLIC_INSTITUTION = "public_institution", _("事业单位登记管理机关")
    NONE = "none", _("未登记")


class InstitutionStatus(models.TextChoices):
    REGISTERED_NOT_FILED = "registered_not_filed", _("登记未备案")
    FILED = "filed", _("已备案")
    REGISTERED_NOT_OPERATING = "registered_not_operating", _("登记但未开展养老服务")
    UNREGISTERED = "unregistered", _("未登记（黑机构）")
    SUSPENDED = "suspended", _("暂停")
    TERMINATED = "terminated", _("终止")


S = InstitutionStatus

# Allowed status transitions: (from, to) -> the service verb that performs it. Nothing but
# the ``institution_<verb>`` services in services.py writes ``Institution.status``.
STATUS_TRANSITIONS: dict[tuple[str, str], str] = {
    (S.REGISTERED_NOT_FILED, S.FILED): "file",
    (S.REGISTERED_NOT_OPERATING, S.FILED): "file",
    (S.SUSPENDED, S.FILED): "resume",
    (S.REGISTERED_NOT_FILED, S.REGISTERED_NOT_OPERATING): "mark_not_operating",
    (S.REGISTERED_NOT_OPERATING, S.REGISTERED_NOT_FILED): "mark_operating",
    (S.UNREGISTERED, S.REGISTERED_NOT_FILED): "register",
    (S.REGISTERED_NOT_FILED, S.SUSPENDED): "suspend",
    (S.FILED, S.SUSPENDED): "suspend",
    (S.REGISTERED_NOT_FILED, S.TERMINATED): "terminate",
    (S.REGISTERED_NOT_OPERATING, S.TERMINATED): "terminate",
    (S.FILED, S.TERMINATED): "terminate",
    (S.SUSPENDED, S.TERMINATED): "terminate",
    (S.UNREGISTERED, S.TERMINATED): "terminate",
}


def allowed_targets(status: str) -> list[str]:
    """Statuses reachable from ``status`` in one step."""
    return [to for (frm, to) in STATUS_TRANSITIONS if frm == status]


class FireAcceptance(models.TextChoices):
    PASSED = "passed", _("已通过消防验收/备案")
    TECHNICAL_ONLY = "technical_only", _("符合消防安全技术条件，因土地/房产手续缺失未能验收")
    PENDING = "pending", _("未验收")
    NOT_REQUIRED = "not_required", _("无需验收")


class Institution(models.Model):
    """A supervised elderly-care service institution. The credit code is the key everywhere
    (registry, credit ledger, public pages); unregistered "black" institutions have none."""

    credit_code = models.CharField(
        _("统一社会信用代码"),
        max_length=18,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_credit_code],
    )
    name = models.CharField(_("机构名称"), max_length=200, db_index=True)
    kind = models.CharField(_("机构类型"), max_length=20, choices=InstitutionKind.choices, db_index=True)
    nature = models.CharField(_("机构性质"), max_length=20, choices=InstitutionNature.choices, db_index=True)
    registration_authority = models.CharField(
        _("登记管理机关"),
        max_length=24,
        choices=RegistrationAuthority.choices,
        default=RegistrationAuthority.MARKET,
    )
    status = models.CharField(
        _("状态"),
        max_length=32,
        choices=InstitutionStatus.choices,
        default=InstitutionStatus.REGISTERED_NOT_FILED,
        db_index=True,
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="institutions", verbose_name=_("所在乡镇（街道）")
    )
    address = models.CharField(_("地址"), max_length=300)
    legal_representative = models.CharField(_("法定代表人"), max_length=50, blank=True)
    principal = models.CharField(_("主要负责人（第一责任人）"), max_length=50, blank=True)
    beds = models.PositiveIntegerField(_("床位数"), default=0)
    floor_area = models.DecimalField(
        _("建筑面积（㎡）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    premises_ownership = models.CharField(_("场所权属"), max_length=100, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    complaint_phone = models.CharField(_("投诉电话"), max_length=30, blank=True)
    service_items = models.TextField(_("服务项目"), blank=True)
    fee_standards = models.TextField(_("收费标准"), blank=True)
    party_organisation = models.BooleanField(_("已建立党组织"), default=False)
    fire_acceptance = models.CharField(
        _("消防验收情况"), max_length=20, choices=FireAcceptance.choices, default=FireAcceptance.PENDING
    )
    fire_acceptance_note = models.CharField(_("消防验收情况说明"), max_length=300, blank=True)
    is_key_fire_unit = models.BooleanField(
        _("消防安全重点单位"),
        default=False,
        help_text=_("重点单位每半年至少 1 次消防演练，其他单位每年至少 1 次"),
    )
    food_licence = models.CharField(_("食品经营许可证号"), max_length=60, blank=True)
    # Disclosure list of 《养老服务质量信息公开标准指引》 (000 (九), 001 (十一)): basic information,
    # rules, service items, fee standards, complaint phone; published on the public page.
    introduction = models.TextField(_("机构简介"), blank=True)
    opened_on = models.DateField(_("开业日期"), null=True, blank=True)
    rules = models.TextField(_("规章制度（管理制度）"), blank=True)
    medical_service = models.CharField(
        _("医疗卫生服务（内设医疗机构/签约医疗机构）"), max_length=200, blank=True
    )
    residents = models.PositiveIntegerField(_("在住老年人数"), default=0)
    disclosure_updated_on = models.DateField(_("公开信息更新日期"), null=True, blank=True)
    name_nonstandard = models.BooleanField(
        _("备案名称不规范"), default=False, db_index=True, help_text=_("见 institutions/naming.py 的名称规则")
    )
    unfiled_discovered_on = models.DateField(_("发现未备案开展服务日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, db_index=True)

    objects = ScopedQuerySet.as_manager()
    # The registry is visible to every department inside its jurisdiction: partner
    # departments need it to log findings in their own domain.
    scope = Scope(region="region", any_department=True, institution="self")
    # "edit" is "keep" for the registry facts; a change of region is asked twice, for the
    # institution where it is and for the region it moves to (institution_update).
    write_rules = WriteRules(
        region="region",
        label="养老服务机构",
        actions={
            "keep": KEEP,
            "edit": KEEP,
            "report": REPORT,
            "restrict": RECORD,
            "file": KEEP + OWN,
            "self_report": REPORT + OWN,
        },
        reasons={"keep": REGISTRY_READ_ONLY, "edit": REGISTRY_READ_ONLY, "report": REPORT_READ_ONLY},
    )

    class Meta:
        verbose_name = _("养老服务机构")
        verbose_name_plural = _("养老服务机构")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        from ..naming import name_is_standard

        self.name_nonstandard = not name_is_standard(self.name, self.kind)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and ("name" in update_fields or "kind" in update_fields):
            kwargs["update_fields"] = {*update_fields, "name_nonstandard"}
        super().save(*args, **kwargs)

    def clean(self) -> None:
        # 004 §二(二): the "meets the fire-safety technique but lacks acceptance because of
        # land/property papers" case must say which papers are missing and how it was verified.
        if (
            self.fire_acceptance == FireAcceptance.TECHNICAL_ONLY
            and not (self.fire_acceptance_note or "").strip()
        ):
            raise ValidationError(
                {
                    "fire_acceptance_note": _(
                        "选择“符合消防安全技术条件，因土地/房产手续缺失未能验收”时，"
                        "请说明缺少的土地/房产手续及消防安全技术条件的核实情况。"
                    )
                }
            )

    @property
    def county(self) -> Region | None:
        """The county-level region above the institution's township (the filing authority)."""
        for node in self.region.ancestors():
            if node.level == 3:
                return node
        return None

    @property
    def is_non_profit(self) -> bool:
        return self.nature in (InstitutionNature.NON_PROFIT, InstitutionNature.PUBLIC_PRIVATE)

    def current_rating(self) -> GradeRating | None:
        return self.ratings.order_by("-rated_on", "-pk").first()
