"""Persons and the restrictions recorded on them; appointments."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from supervision.audit.fields import EncryptedCharField
from supervision.core.policy import ACTING, ANY, Allow, WriteRules
from supervision.core.scoping import ScopedQuerySet

# ``institution``: an institution account (机构端) sees its own rows (supervision/core/scoping.py).
from .common import INSTITUTION_SCOPE, RECORD
from .registry import Institution

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
