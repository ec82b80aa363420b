"""County administration services: one function per change, the write policy first (the
county's 管理员 post over the region), one audit entry each. Passwords are never audited or kept:
a reset makes a one-time initial password, returned once, that must be changed at next sign-in
(``User.must_change_password``); the user's sessions and tokens end through the accounts signals.

The policy target is ``CountyArea(region)`` for accounts and posts (the actor's 管理员 post must
cover the region), ``DepartmentTitle`` for department names (the lead department's 管理员, or the
department's own)."""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet

from supervision.core import policy
from supervision.core.audit import audit, create_audited, save_audited
from supervision.core.department_titles import DepartmentTitle
from supervision.core.models import SEPARATED_ROLES, Assignment, Department, Region, Role, User
from supervision.core.policy import ADMINS, ANY, Allow, WriteRules

# The posts a county administrator grants: the business roles, never the 三员 administrator
# posts (those are the security administrator's, supervision/accounts).
GRANTABLE_ROLES = [r for r in Role if r.value not in SEPARATED_ROLES]


@dataclass(frozen=True)
class CountyArea:
    """The accounts and posts at a region, as a policy target."""

    region: Region

    write_rules = WriteRules(
        region="region",
        label="辖区账户与岗位",
        actions={
            "manage_accounts": (Allow(ADMINS, ANY),),
            "manage_posts": (Allow(ADMINS, ANY),),
        },
    )


def admin_regions(actor: Any) -> list[Region]:
    """The regions the actor administers (its 管理员 posts); every region for the superuser."""
    if getattr(actor, "is_superuser", False):
        return list(Region.objects.filter(parent__isnull=True))
    return [a.region for a in actor.active_assignments() if a.role == Role.ADMIN]


def is_county_admin(actor: Any) -> bool:
    return bool(getattr(actor, "is_authenticated", False) and admin_regions(actor))


def _within(regions: list[Region], prefix_field: str = "region__code") -> Q:
    q = Q(pk__in=[])
    for region in regions:
        q |= Q(**{f"{prefix_field}__startswith": region.prefix})
    return q


def users_in_scope(actor: Any) -> QuerySet[User]:
    """Accounts with a post inside the actor's administered regions and none outside them (an
    account that also works elsewhere is for the administrator above both); superusers and the
    三员 administrators are never managed here."""
    regions = admin_regions(actor)
    if not regions:
        return User.objects.none()
    inside = Assignment.objects.filter(_within(regions)).values("user_id")
    outside = Assignment.objects.exclude(_within(regions)).values("user_id")
    separated = Assignment.objects.filter(role__in=SEPARATED_ROLES).values("user_id")
    return (
        User.objects.filter(pk__in=inside, is_superuser=False)
        .exclude(pk__in=outside)
        .exclude(pk__in=separated)
    )


def _scope_region(actor: Any, user: User) -> Region:
    """The region whose administrator acts on ``user``: the narrowest administered region that
    holds all the user's posts (refused when the user is not inside the actor's county)."""
    if not users_in_scope(actor).filter(pk=user.pk).exists():
        raise policy.Denied("该账户不在您管理的辖区内（或同时在其他辖区任职），请由上级管理员办理。")
    posts = list(Assignment.objects.filter(user=user).select_related("region"))
    for region in sorted(admin_regions(actor), key=lambda r: -len(r.prefix)):
        if all(region.contains(p.region) for p in posts):
            return region
    raise policy.Denied("该账户不在您管理的辖区内，请由上级管理员办理。")


def one_time_password(length: int = 14) -> str:
    """An initial password: letters, digits and a sign, without look-alikes (0/O, 1/l/I)."""
    letters = "".join(c for c in string.ascii_letters if c not in "OIl")
    digits = "23456789"
    signs = "-_!#%+"
    alphabet = letters + digits
    while True:
        chars = [secrets.choice(alphabet) for _ in range(length - 2)]
        chars += [secrets.choice(digits), secrets.choice(signs)]
        secrets.SystemRandom().shuffle(chars)
        value = "".join(chars)
        if any(c.islower() for c in value) and any(c.isupper() for c in value):
            return value


def _set_initial_password(user: User) -> str:
    from django.contrib.auth.password_validation import validate_password

    for _attempt in range(5):
        password = one_time_password()
        try:
            validate_password(password, user)
        except ValidationError:
            continue
        user.set_password(password)
        if hasattr(user, "must_change_password"):
            user.must_change_password = True  # supervision/accounts forces the change at sign-in
        return password
    raise ValidationError("无法生成符合密码规则的初始密码，请联系系统管理员。")


def account_create(
    actor: Any,
    *,
    username: str,
    display_name: str,
    phone: str,
    department: Department,
    region: Region,
    role: str,
) -> tuple[User, str]:
    """A new account with its first post and a one-time initial password (returned once)."""
    username = (username or "").strip()
    policy.require(actor, CountyArea(region), "manage_accounts")
    if role not in {r.value for r in GRANTABLE_ROLES}:
        raise ValidationError({"role": "县级管理员只能分配业务岗位。"})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": "该用户名已被使用，请换一个。"})
    with transaction.atomic():
        user = User(username=username, display_name=display_name.strip(), phone=phone.strip())
        password = _set_initial_password(user)
        user.save()
        audit(
            user,
            actor,
            "create_account",
            {"username": (None, user.username), "display_name": (None, user.display_name)},
            created=True,
        )
        create_audited(
            Assignment(user=user, department=department, region=region, role=role), actor, "grant_post"
        )
    return user, password


def password_reset(actor: Any, user: User) -> str:
    """A new one-time initial password for ``user`` (returned once, never stored in clear)."""
    region = _scope_region(actor, user)
    policy.require(actor, CountyArea(region), "manage_accounts")
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        password = _set_initial_password(user)
        fields = ["password"] + (["must_change_password"] if hasattr(user, "must_change_password") else [])
        user.save(update_fields=fields)
        audit(user, actor, "reset_password", {"must_change_password": (False, True)})
    return password


def account_set_active(actor: Any, user: User, active: bool) -> User:
    """Deactivate (停用) or re-activate (启用) an account."""
    region = _scope_region(actor, user)
    policy.require(actor, CountyArea(region), "manage_accounts")
    if getattr(actor, "pk", None) == user.pk and not active:
        raise ValidationError("不能停用自己的账户。")
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.is_active == active:
            return user
        before = {"is_active": user.is_active}
        user.is_active = active
        save_audited(user, actor, "activate" if active else "deactivate", before)
    return user


def post_grant(actor: Any, user: User, *, department: Department, region: Region, role: str) -> Assignment:
    """Give ``user`` a post inside the county (or switch an ended one on again)."""
    _scope_region(actor, user)
    policy.require(actor, CountyArea(region), "manage_posts")
    if role not in {r.value for r in GRANTABLE_ROLES}:
        raise ValidationError({"role": "县级管理员只能分配业务岗位。"})
    with transaction.atomic():
        post = (
            Assignment.objects.select_for_update()
            .filter(user=user, department=department, region=region, role=role)
            .first()
        )
        if post is None:
            post = create_audited(
                Assignment(user=user, department=department, region=region, role=role), actor, "grant_post"
            )
        elif not post.active:
            before = {"active": post.active}
            post.active = True
            save_audited(post, actor, "grant_post", before)
    return post


def post_end(actor: Any, post: Assignment) -> Assignment:
    """End a post (the account keeps its other posts)."""
    _scope_region(actor, post.user)
    policy.require(actor, CountyArea(post.region), "manage_posts")
    if getattr(actor, "pk", None) == post.user_id and post.role == Role.ADMIN:
        raise ValidationError("不能结束自己的管理员岗位。")
    with transaction.atomic():
        post = Assignment.objects.select_for_update().get(pk=post.pk)
        if not post.active:
            return post
        before = {"active": post.active}
        post.active = False
        save_audited(post, actor, "end_post", before)
    return post


TITLE_FIELDS = ("official_name", "abbreviation", "contact_person", "contact_phone", "address")


def title_save(actor: Any, *, department: Department, region: Region, **values: str) -> DepartmentTitle:
    """Set the official name (and 机关代字, contact, address) of ``department`` at ``region``."""
    values = {k: (values.get(k) or "").strip() for k in TITLE_FIELDS}
    if not values["official_name"]:
        raise ValidationError({"official_name": "请填写机关全称。"})
    with transaction.atomic():
        row = DepartmentTitle.objects.select_for_update().filter(department=department, region=region).first()
        if row is None:
            policy.require(actor, DepartmentTitle, "edit", department=department, region=region)
            return create_audited(
                DepartmentTitle(department=department, region=region, **values),
                actor,
                "set_title",
                clean=True,
            )
        policy.require(actor, row, "edit")
        before = {k: getattr(row, k) for k in TITLE_FIELDS}
        for k, v in values.items():
            setattr(row, k, v)
        row.full_clean()
        save_audited(row, actor, "set_title", before)
        return row
