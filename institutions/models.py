"""The registry of supervised institutions (养老服务机构), keyed by the unified social credit code."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from supervision.audit.fields import EncryptedCharField
from supervision.core.models import Region
from supervision.core.policy import ACTING, ANY, INSTITUTION, LEAD, OWN_INSTITUTION, Allow, WriteRules
from supervision.core.scoping import Scope, ScopedQuerySet

from .validators import validate_credit_code

# ``institution``: an institution account (机构端) sees its own rows (supervision/core/scoping.py).
INSTITUTION_SCOPE = Scope(region="institution__region", any_department=True, institution="institution")
# Staff-only rows about an institution (the on-site check's working record).
STAFF_ONLY_SCOPE = Scope(region="institution__region", any_department=True)

# --- who may write (the write policy, supervision/core/policy.py) ------------------------------
# The registry — records, filings, status changes, staff, appointments, grade ratings and
# training — is kept by civil affairs, the lead department (《养老机构管理办法》 arts. 10–12):
# its acting posts (admin, inspector, leader) over the institution's region. Partner
# departments, auditors and liaisons read it.
KEEP = (Allow(ACTING, LEAD),)
# What any department finds and must be able to record (004 2.6 discovery of an unfiled
# institution; 000 (五) emergency plans and drills; 003 6. incident reports): an acting post of
# any department over the region. Auditors (审计员) and liaisons (联络员) only read.
REPORT = (Allow(ACTING, ANY),)
# A restriction decided elsewhere (the credit app's listing and ban procedures, a court) is a
# registry fact recorded by the deciding post: the decision has its own rules where it is made;
# the registry asks only for an acting post over the place (never an auditor or a liaison).
RECORD = (Allow(ACTING, ANY),)
# The institution's own account (机构端, issue 17) files for itself and reports its own drills,
# plans and incidents; civil affairs may still record a filing, any department a report.
OWN = (Allow(INSTITUTION, OWN_INSTITUTION),)
REGISTRY_READ_ONLY = (
    "机构名录、备案、状态、从业人员和等级评定由民政部门（牵头部门）的管理员、监管执法人员、领导"
    "在其辖区内维护；您的岗位只能查看。"
)
REPORT_READ_ONLY = (
    "发现未备案机构、应急预案、演练和突发事件由辖区内各部门的管理员、监管执法人员、领导登记；"
    "审计员和联络员只能查看，其他辖区不能登记。"
)


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
        from .naming import name_is_standard

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


# --- Persons and the restrictions recorded on them -------------------------------------------


class Person(models.Model):
    """A natural person who appears in the registry (legal representative, principal, staff).
    The ID number is never stored in clear: ``id_hash`` (keyed HMAC) matches the same person
    across institutions, ``id_masked`` is what pages show, ``id_number`` is encrypted."""

    name = models.CharField(_("姓名"), max_length=50)
    id_hash = models.CharField(_("身份证号码摘要"), max_length=64, unique=True, editable=False)
    id_masked = models.CharField(_("身份证号码"), max_length=18, editable=False)
    # The full number, encrypted at rest (a Fernet token in the database), shown only through an
    # audited unmasking with a reason (supervision/audit/unmask.py). Empty for persons recorded
    # before numbers were kept encrypted.
    id_number = EncryptedCharField(_("身份证号码（加密保存）"), max_length=18, blank=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    # A person restriction binds in every institution (matched by the ID hash), so it has no
    # place of its own: any acting post records the decision it holds.
    write_rules = WriteRules(actions={"restrict": (Allow(ACTING, ANY, in_region=False),)}, label="人员")

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return f"{self.name}（{self.id_masked}）"


class RestrictionQuerySet(ScopedQuerySet):
    def active_on(self, day: dt.date) -> RestrictionQuerySet:
        """Restrictions in force on ``day``: started, not ended (or permanent), not lifted."""
        return self.filter(starts_on__lte=day, lifted_on__isnull=True).filter(
            models.Q(permanent=True) | models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=day)
        )


class RestrictionTerm(models.Model):
    """A restriction decided elsewhere (the credit app's listing and ban procedures, a court,
    another department) and recorded here with its source and term, so that the registry can
    enforce it without importing the deciding app."""

    source = models.CharField(_("依据/来源"), max_length=300, help_text=_("决定文书、名单编号或来源系统"))
    starts_on = models.DateField(_("起始日期"))
    ends_on = models.DateField(_("截止日期"), null=True, blank=True)
    permanent = models.BooleanField(_("终身/永久"), default=False)
    lifted_on = models.DateField(_("解除日期"), null=True, blank=True)
    lift_reason = models.CharField(_("解除原因"), max_length=300, blank=True)
    note = models.TextField(_("备注"), blank=True)
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    objects = RestrictionQuerySet.as_manager()

    class Meta:
        abstract = True

    def is_active(self, day: dt.date | None = None) -> bool:
        day = day or dt.date.today()
        if self.lifted_on or self.starts_on > day:
            return False
        return self.permanent or self.ends_on is None or self.ends_on >= day

    def term_display(self) -> str:
        if self.permanent:
            return f"{self.starts_on} 起 终身"
        return f"{self.starts_on} 至 {self.ends_on or '—'}"


class PersonRestrictionKind(models.TextChoices):
    INDUSTRY_BAN = "industry_ban", _("行业禁入")
    JOINT_PUNISHMENT = "joint_punishment", _("失信联合惩戒对象")


class PersonRestriction(RestrictionTerm):
    """行业禁入 bars a person from every post; a joint-punishment listing bars them from being
    legal representative or principal (民发〔2019〕103号)."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="restrictions", verbose_name=_("人员")
    )
    kind = models.CharField(_("类型"), max_length=20, choices=PersonRestrictionKind.choices)

    write_rules = WriteRules(actions={"lift": (Allow(ACTING, ANY, in_region=False),)}, label="人员限制措施")

    class Meta:
        verbose_name = _("人员限制措施")
        verbose_name_plural = _("人员限制措施")
        ordering = ["-starts_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.person.name} · {self.get_kind_display()} · {self.term_display()}"


class InstitutionRestrictionKind(models.TextChoices):
    JOINT_PUNISHMENT = "joint_punishment", _("失信联合惩戒对象名单")
    OTHER = "other", _("其他限制（不得参加等级评定）")


class InstitutionRestriction(RestrictionTerm):
    """An institution-level restriction (e.g. on the joint-punishment list): while in force the
    institution cannot receive a grade rating."""

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="restrictions", verbose_name=_("机构")
    )
    kind = models.CharField(_("类型"), max_length=20, choices=InstitutionRestrictionKind.choices)

    scope = INSTITUTION_SCOPE
    write_rules = WriteRules(region="institution__region", actions={"lift": RECORD}, label="机构限制措施")

    class Meta:
        verbose_name = _("机构限制措施")
        verbose_name_plural = _("机构限制措施")
        ordering = ["-starts_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.institution} · {self.get_kind_display()} · {self.term_display()}"


class Post(models.TextChoices):
    LEGAL_REPRESENTATIVE = "legal_representative", _("法定代表人")
    PRINCIPAL = "principal", _("主要负责人（第一责任人）")


class Appointment(models.Model):
    """A person holding the post of legal representative or principal of an institution."""

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="appointments", verbose_name=_("机构")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("人员")
    )
    post = models.CharField(_("职务"), max_length=24, choices=Post.choices)
    started_on = models.DateField(_("任职日期"))
    ended_on = models.DateField(_("离任日期"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope = INSTITUTION_SCOPE

    class Meta:
        verbose_name = _("任职")
        verbose_name_plural = _("任职")
        ordering = ["-started_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.institution} · {self.get_post_display()} · {self.person.name}"


# --- Staff, certificates, training -----------------------------------------------------------


class StaffRole(models.TextChoices):
    MANAGER = "manager", _("管理人员")
    CAREGIVER = "caregiver", _("养老护理员")
    MEDICAL = "medical", _("医疗护理人员")
    REHABILITATION = "rehabilitation", _("康复治疗人员")
    FIRE_SAFETY = "fire_safety", _("消防管理人员")
    SOCIAL_WORKER = "social_worker", _("社会工作者")
    OTHER = "other", _("其他")


# Roles whose holders must have a valid professional certificate (003 3.; DOMAIN: 医疗护理、
# 康复治疗、消防管理).
CERTIFIED_ROLES = frozenset({StaffRole.MEDICAL, StaffRole.REHABILITATION, StaffRole.FIRE_SAFETY})


class SkillLevel(models.TextChoices):
    NONE = "", _("未评定")
    L5 = "5", _("五级/初级工")
    L4 = "4", _("四级/中级工")
    L3 = "3", _("三级/高级工")
    L2 = "2", _("二级/技师")
    L1 = "1", _("一级/高级技师")


class Staff(models.Model):
    """从业人员: a person employed by an institution in a role."""

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="staff", verbose_name=_("机构")
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="jobs", verbose_name=_("人员"))
    role = models.CharField(_("岗位"), max_length=20, choices=StaffRole.choices, db_index=True)
    skill_level = models.CharField(_("护理员技能等级"), max_length=2, choices=SkillLevel.choices, blank=True)
    hired_on = models.DateField(_("入职日期"))
    left_on = models.DateField(_("离职日期"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope = INSTITUTION_SCOPE
    # Leaving, certificates and training records are registry facts (see KEEP).
    # Unmasking a staff member's ID number (with a reason, audited): the registry's keepers.
    write_rules = WriteRules(
        region="institution__region", actions={"keep": KEEP, "unmask": KEEP}, label="从业人员"
    )

    class Meta:
        verbose_name = _("从业人员")
        verbose_name_plural = _("从业人员")
        ordering = ["institution_id", "role", "pk"]

    def __str__(self) -> str:
        return f"{self.person.name} · {self.get_role_display()}"

    @property
    def needs_certificate(self) -> bool:
        return self.role in CERTIFIED_ROLES


class Certificate(models.Model):
    """A professional qualification (执业证书、职业资格、消防设施操作员证 …) with its expiry."""

    staff = models.ForeignKey(
        Staff, on_delete=models.CASCADE, related_name="certificates", verbose_name=_("人员")
    )
    name = models.CharField(_("证书名称"), max_length=100)
    number = models.CharField(_("证书编号"), max_length=60, blank=True)
    issued_on = models.DateField(_("发证日期"), null=True, blank=True)
    expires_on = models.DateField(_("有效期至"), null=True, blank=True, help_text=_("长期有效留空"))

    class Meta:
        verbose_name = _("资格证书")
        verbose_name_plural = _("资格证书")
        ordering = ["-expires_on", "pk"]

    def __str__(self) -> str:
        return self.name

    def is_valid_on(self, day: dt.date) -> bool:
        return self.expires_on is None or self.expires_on >= day


class TrainingRecord(models.Model):
    """岗前培训 / 岗位技能提升培训 taken by a staff member."""

    staff = models.ForeignKey(
        Staff, on_delete=models.CASCADE, related_name="trainings", verbose_name=_("人员")
    )
    course = models.CharField(_("培训内容"), max_length=200)
    provider = models.CharField(_("培训机构"), max_length=200, blank=True)
    held_on = models.DateField(_("培训日期"))
    hours = models.DecimalField(_("学时"), max_digits=6, decimal_places=1, default=0)

    class Meta:
        verbose_name = _("培训记录")
        verbose_name_plural = _("培训记录")
        ordering = ["-held_on", "pk"]

    def __str__(self) -> str:
        return self.course


# --- Grade rating (等级评定, GB/T 37276) --------------------------------------------------------


class GradeLevel(models.IntegerChoices):
    ONE = 1, _("一级")
    TWO = 2, _("二级")
    THREE = 3, _("三级")
    FOUR = 4, _("四级")
    FIVE = 5, _("五级")


class GradeThreshold(models.Model):
    """Configuration: the minimum total score for each level (editable in admin). The score
    sections follow GB/T 37276 (环境 120, 设施设备 130, 运营管理 150, 服务 600 = 1000)."""

    level = models.PositiveSmallIntegerField(_("等级"), choices=GradeLevel.choices, unique=True)
    min_total = models.DecimalField(_("最低总分"), max_digits=6, decimal_places=1)
    validity_years = models.PositiveSmallIntegerField(_("有效期（年）"), default=3)

    class Meta:
        verbose_name = _("等级评定分数线")
        verbose_name_plural = _("等级评定分数线")
        ordering = ["level"]

    def __str__(self) -> str:
        return f"{self.get_level_display()} ≥ {self.min_total}"


class GradeRating(models.Model):
    """One grade rating of an institution with its score sections and validity."""

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="ratings", verbose_name=_("机构")
    )
    level = models.PositiveSmallIntegerField(_("等级"), choices=GradeLevel.choices)
    score_environment = models.DecimalField(_("环境（120）"), max_digits=5, decimal_places=1)
    score_facilities = models.DecimalField(_("设施设备（130）"), max_digits=5, decimal_places=1)
    score_management = models.DecimalField(_("运营管理（150）"), max_digits=5, decimal_places=1)
    score_service = models.DecimalField(_("服务（600）"), max_digits=5, decimal_places=1)
    total = models.DecimalField(_("总分"), max_digits=6, decimal_places=1)
    rated_on = models.DateField(_("评定日期"))
    valid_until = models.DateField(_("有效期至"))
    rated_by = models.CharField(_("评定机构"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope = INSTITUTION_SCOPE

    class Meta:
        verbose_name = _("等级评定")
        verbose_name_plural = _("等级评定")
        ordering = ["-rated_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.institution} · {self.get_level_display()}"


# Maximum score of each section (GB/T 37276-2018 评分细则).
SCORE_SECTIONS: dict[str, int] = {
    "score_environment": 120,
    "score_facilities": 130,
    "score_management": 150,
    "score_service": 600,
}


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


# --- Operations: emergency plans, drills, incident reports -----------------------------------


class PlanKind(models.TextChoices):
    NATURAL_DISASTER = "natural_disaster", _("自然灾害")
    ACCIDENT = "accident", _("事故灾难")
    PUBLIC_HEALTH = "public_health", _("公共卫生事件")
    FIRE_EVACUATION = "fire_evacuation", _("灭火和应急疏散")


class EmergencyPlan(models.Model):
    """An emergency plan (应急预案) of an institution (000 (五), 003 6.)."""

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="emergency_plans", verbose_name=_("机构")
    )
    kind = models.CharField(_("预案类型"), max_length=20, choices=PlanKind.choices)
    title = models.CharField(_("预案名称"), max_length=200)
    adopted_on = models.DateField(_("制定日期"))
    summary = models.TextField(_("主要内容"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope = INSTITUTION_SCOPE

    class Meta:
        verbose_name = _("应急预案")
        verbose_name_plural = _("应急预案")
        ordering = ["kind", "-adopted_on"]

    def __str__(self) -> str:
        return self.title


class DrillKind(models.TextChoices):
    COMPREHENSIVE = "comprehensive", _("综合演练")
    SPECIAL = "special", _("专项演练")
    FIRE = "fire", _("消防演练")


class Drill(models.Model):
    """An emergency drill; recording one meets the open half-yearly drill clock and opens the next."""

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="drills", verbose_name=_("机构")
    )
    plan = models.ForeignKey(
        EmergencyPlan,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="drills",
        verbose_name=_("预案"),
    )
    held_on = models.DateField(_("演练日期"))
    kind = models.CharField(_("演练类型"), max_length=20, choices=DrillKind.choices)
    participants = models.PositiveIntegerField(_("参加人数"), default=0)
    participants_note = models.CharField(_("参加人员"), max_length=300, blank=True)
    notes = models.TextField(_("演练情况"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("录入人")
    )

    objects = ScopedQuerySet.as_manager()
    scope = INSTITUTION_SCOPE

    class Meta:
        verbose_name = _("应急演练")
        verbose_name_plural = _("应急演练")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.institution} · {self.get_kind_display()} {self.held_on}"


class IncidentKind(models.TextChoices):
    EPIDEMIC = "epidemic", _("传染病暴发或流行")
    UNKNOWN_CLUSTER = "unknown_cluster", _("不明原因的群体性疾病")
    FOOD_POISONING = "food_poisoning", _("重大食物中毒")
    SAFETY_ACCIDENT = "safety_accident", _("安全生产事故")
    OTHER = "other", _("其他突发事件")


class Recipient(models.TextChoices):
    HEALTH = "health", _("卫生健康部门")
    CDC = "cdc", _("疾病预防控制机构")
    CIVIL_AFFAIRS = "civil_affairs", _("民政部门")
    MARKET = "market_regulation", _("市场监管部门")
    EMERGENCY = "emergency_management", _("应急管理部门")


# Who an incident must be reported to: 003 6. (health, civil affairs, market regulation, CDC for
# epidemics, clusters and food poisoning; emergency management and civil affairs for safety
# accidents) and 002 (十二) (health, CDC, civil affairs).
REQUIRED_RECIPIENTS: dict[str, tuple[str, ...]] = {
    IncidentKind.EPIDEMIC: (Recipient.HEALTH, Recipient.CDC, Recipient.CIVIL_AFFAIRS, Recipient.MARKET),
    IncidentKind.UNKNOWN_CLUSTER: (
        Recipient.HEALTH,
        Recipient.CDC,
        Recipient.CIVIL_AFFAIRS,
        Recipient.MARKET,
    ),
    IncidentKind.FOOD_POISONING: (Recipient.HEALTH, Recipient.CDC, Recipient.CIVIL_AFFAIRS, Recipient.MARKET),
    IncidentKind.SAFETY_ACCIDENT: (Recipient.EMERGENCY, Recipient.CIVIL_AFFAIRS),
    IncidentKind.OTHER: (Recipient.CIVIL_AFFAIRS,),
}


class IncidentReport(models.Model):
    """An incident or epidemic report with the departments it reached."""

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="incidents", verbose_name=_("机构")
    )
    kind = models.CharField(_("事件类型"), max_length=20, choices=IncidentKind.choices)
    occurred_at = models.DateTimeField(_("发生时间"))
    reported_at = models.DateTimeField(_("报告时间"))
    summary = models.TextField(_("事件概况"))
    affected = models.PositiveIntegerField(_("涉及人数"), default=0)
    reported_to = models.JSONField(_("已报告部门"), default=list)
    measures = models.TextField(_("已采取措施"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope = INSTITUTION_SCOPE

    class Meta:
        verbose_name = _("突发事件报告")
        verbose_name_plural = _("突发事件报告")
        ordering = ["-occurred_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.institution} · {self.get_kind_display()}"

    @property
    def required_recipients(self) -> tuple[str, ...]:
        return REQUIRED_RECIPIENTS.get(self.kind, ())

    @property
    def missing_recipients(self) -> list[str]:
        return [r for r in self.required_recipients if r not in (self.reported_to or [])]


# --- Exits -----------------------------------------------------------------------------------


class ExitKind(models.TextChoices):
    SUSPEND = "suspend", _("暂停服务")
    TERMINATE = "terminate", _("终止服务")


class AssetDisposalStatus(models.TextChoices):
    NOT_REQUIRED = "not_required", _("不适用（营利性/公办）")
    PENDING = "pending", _("待监督")
    SUPERVISED = "supervised", _("已监督处置完毕")


class ExitPlan(models.Model):
    """A suspension or termination with the residents' resettlement plan and, for non-profit
    and 公建民营 institutions, the supervised asset disposal (003 7.)."""

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="exits", verbose_name=_("机构")
    )
    kind = models.CharField(_("类型"), max_length=10, choices=ExitKind.choices)
    effective_on = models.DateField(_("生效日期"))
    reason = models.TextField(_("原因"))
    residents_to_resettle = models.PositiveIntegerField(_("需安置老年人数"), default=0)
    resettlement_plan = models.TextField(_("老年人安置方案"))
    asset_disposal_plan = models.TextField(_("财产处置方案"), blank=True)
    asset_disposal_status = models.CharField(
        _("财产处置监管"),
        max_length=20,
        choices=AssetDisposalStatus.choices,
        default=AssetDisposalStatus.NOT_REQUIRED,
    )
    asset_disposal_note = models.TextField(_("财产处置监管情况"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("经办人")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope = INSTITUTION_SCOPE
    # Civil affairs supervises the asset disposal of a non-profit's exit (003 7.).
    write_rules = WriteRules(region="institution__region", actions={"keep": KEEP}, label="退出事项")

    class Meta:
        verbose_name = _("退出（暂停/终止）")
        verbose_name_plural = _("退出（暂停/终止）")
        ordering = ["-effective_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.institution} · {self.get_kind_display()} {self.effective_on}"


def _register_revealable() -> None:
    from supervision.audit.unmask import Revealable, register

    from .personal import mask_id

    register(
        Revealable(
            slug="staff-id",
            model=Staff,
            values=(("身份证号码", "person.id_number", mask_id),),
            describe=lambda s: f"{s.institution.name} 从业人员 {s.person.name}",
            back=lambda s: f"/institutions/{s.institution_id}/",
        )
    )


_register_revealable()
