"""Organisation: regions (GB/T 2260 codes), departments and their remits, users and assignments."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from supervision.audit.fields import EncryptedCharField, phone_hash

# Length of the significant code prefix at each level of the 12-digit division code:
# province 2, city 4, county 6, township 9, community/village 12.
LEVEL_PREFIX = {1: 2, 2: 4, 3: 6, 4: 9, 5: 12}


class RegionLevel(models.IntegerChoices):
    PROVINCE = 1, _("省级")
    CITY = 2, _("市级")
    COUNTY = 3, _("县级")
    TOWNSHIP = 4, _("乡镇（街道）")
    COMMUNITY = 5, _("村（社区）")


class Region(models.Model):
    """An administrative division. ``code`` is the 12-digit statistical division code
    (GB/T 2260 for the first six digits), right-padded with zeros; the subtree of a region
    is every code that starts with its significant prefix, so scoping is an index range scan."""

    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.PositiveSmallIntegerField(_("级别"), choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def prefix(self) -> str:
        return self.code[: LEVEL_PREFIX[self.level]]

    def full_name(self) -> str:
        names = []
        node: Region | None = self
        while node is not None:
            names.append(node.name)
            node = node.parent
        return "".join(reversed(names))

    def ancestors(self) -> list[Region]:
        """This region and every region above it, nearest first."""
        chain: list[Region] = []
        node: Region | None = self
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain

    def subtree(self) -> models.QuerySet[Region]:
        return Region.objects.filter(code__startswith=self.prefix)

    def contains(self, other: Region) -> bool:
        return other.code.startswith(self.prefix)


class Domain(models.Model):
    """A supervision domain (消防安全, 食品安全 …) that departments own by remit."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    description = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("监管领域")
        verbose_name_plural = _("监管领域")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """A kind of government department (民政, 消防救援 …); at a region it is a concrete body
    (e.g. 阳谷县民政局 = 民政 at 阳谷县). ``is_lead`` marks civil affairs, which leads
    comprehensive supervision and sees every domain in its jurisdiction."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    short_name = models.CharField(_("简称"), max_length=10, blank=True, help_text=_("用于文号，如“民”"))
    is_lead = models.BooleanField(_("牵头部门"), default=False)
    domains: models.ManyToManyField = models.ManyToManyField(
        Domain, through="Remit", related_name="departments", verbose_name=_("职责领域")
    )

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["-is_lead", "code"]

    def __str__(self) -> str:
        return self.name


class RemitRole(models.TextChoices):
    LEAD = "lead", _("牵头")
    RESPONSIBLE = "responsible", _("负责")
    SUPPORT = "support", _("配合")


class Remit(models.Model):
    """One row of the responsibility matrix (002 附件, 003 附件1): a department's role in a domain."""

    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="remits", verbose_name=_("部门")
    )
    domain = models.ForeignKey(
        Domain, on_delete=models.CASCADE, related_name="remits", verbose_name=_("领域")
    )
    role = models.CharField(
        _("职责"), max_length=12, choices=RemitRole.choices, default=RemitRole.RESPONSIBLE
    )
    duty = models.TextField(_("职责内容"), blank=True)
    source = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("职责清单")
        verbose_name_plural = _("职责清单")
        constraints = [models.UniqueConstraint(fields=["department", "domain"], name="uniq_remit")]

    def __str__(self) -> str:
        return f"{self.department} · {self.domain} · {self.get_role_display()}"


class User(AbstractUser):
    """A portal account. What it may see comes from its assignments, never from the user row."""

    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    # Encrypted at rest (a Fernet token, supervision/audit/fields.py) with a keyed hash for
    # lookups (``User.objects.filter(phone_hash=phone_hash(number))``), as Person.id_number.
    phone = EncryptedCharField(_("办公电话"), max_length=30, blank=True)
    phone_hash = models.CharField(_("办公电话摘要"), max_length=64, blank=True, editable=False, db_index=True)
    # Identity (supervision/accounts): an initial password set by an administrator must be
    # changed at the first sign-in; the change time drives the optional expiry.
    must_change_password = models.BooleanField(
        _("须修改密码"), default=False, help_text=_("管理员设置的初始密码：下次登录时须先修改。")
    )
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.phone_hash = phone_hash(self.phone)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "phone" in update_fields:
            kwargs["update_fields"] = {*update_fields, "phone_hash"}
        super().save(*args, **kwargs)

    def _all_active_posts(self) -> list[Assignment]:
        if getattr(self, "_assignment_cache", None) is None:
            self.active_assignments()
        return self._all_posts_cache

    def active_assignments(self) -> list[Assignment]:
        """The user's active business posts: what scoping and the write policy read.

        The three administrator posts (三员) are not among them: they carry no jurisdiction
        over business data (see ``admin_roles``)."""
        cache = getattr(self, "_assignment_cache", None)
        if cache is None:
            posts = list(self.assignments.filter(active=True).select_related("department", "region"))
            self._all_posts_cache = posts
            cache = [a for a in posts if a.role not in SEPARATED_ROLES]
            self._assignment_cache = cache
        return cache

    def admin_roles(self) -> set[str]:
        """The 三员 roles (system, security, audit administrator) the user holds: at most one."""
        return {a.role for a in self._all_active_posts() if a.role in SEPARATED_ROLES}

    @property
    def is_system_admin(self) -> bool:
        return Role.SYSADMIN in self.admin_roles()

    @property
    def is_security_admin(self) -> bool:
        return Role.SECADMIN in self.admin_roles()

    @property
    def is_audit_admin(self) -> bool:
        """The audit administrator reads the audit trail (and nothing else)."""
        return Role.AUDITADMIN in self.admin_roles()

    def has_role(self, *roles: str) -> bool:
        return self.is_superuser or any(a.role in roles for a in self.active_assignments())


class Role(models.TextChoices):
    ADMIN = "admin", _("管理员")
    INSPECTOR = "inspector", _("监管人员/执法人员")
    LEADER = "leader", _("领导")
    AUDITOR = "auditor", _("审计员")
    LIAISON = "liaison", _("联络员")
    # 三员分立 (GB/T 22239-2019 level 3): no one holds two of these, and none acts on business data.
    SYSADMIN = "sysadmin", _("系统管理员")
    SECADMIN = "secadmin", _("安全管理员")
    AUDITADMIN = "auditadmin", _("审计管理员")


SEPARATED_ROLES: frozenset[str] = frozenset({"sysadmin", "secadmin", "auditadmin"})


class Assignment(models.Model):
    """A user's post: a department at a region, with a role."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("用户")
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("部门")
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("辖区")
    )
    role = models.CharField(_("角色"), max_length=12, choices=Role.choices)
    active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位")
        constraints = [
            models.UniqueConstraint(fields=["user", "department", "region", "role"], name="uniq_assignment"),
            # 三员分立 at the database: at most one active administrator post per user.
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(active=True, role__in=["sysadmin", "secadmin", "auditadmin"]),
                name="one_separated_admin_post",
                violation_error_message=_("系统管理员、安全管理员、审计管理员三个岗位不得由一人兼任。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region.name}{self.department.name} · {self.get_role_display()}"

    def clean(self) -> None:
        """三员分立: an administrator post excludes the other two (supervision/accounts/roles.py)."""
        super().clean()
        from supervision.accounts.roles import check_separation

        check_separation(self)


class SecurityEvent(models.Model):
    """Logins, failures, lockouts and exports: the part of the audit trail that is not a row change."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("登录")
        LOGOUT = "logout", _("退出")
        LOGIN_FAILED = "login_failed", _("登录失败")
        LOCKOUT = "lockout", _("账户锁定")
        EXPORT = "export", _("导出")
        # Identity (supervision/accounts): own password changes and two-factor settings.
        PASSWORD_CHANGED = "password_changed", _("修改密码")
        TWO_FACTOR = "two_factor", _("两步验证")
        # the rest of the audit trail (supervision/audit): issue 18
        TOKEN_ISSUED = "token_issued", _("签发令牌")
        DOWNLOAD = "download", _("下载文书/文件")
        UNMASK = "unmask", _("查看完整个人信息")
        API_CALL = "api_call", _("协同部门接口调用")
        PERMISSION = "permission", _("岗位/权限变更")
        ARCHIVE = "archive", _("审计日志归档")

    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("用户"))
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    detail = models.CharField(_("详情"), max_length=500, blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("安全事件")
        verbose_name_plural = _("安全事件")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.username} {self.at:%Y-%m-%d %H:%M}"


# The official names of departments at a region (阳谷县民政局): their own module, one model.
from .department_titles import DepartmentTitle  # noqa: E402,F401

# Replay cache of API POSTs sent with an Idempotency-Key (supervision/core/idempotency.py).
from .idempotency import IdempotencyRecord  # noqa: E402,F401
