"""Account services: one function per change, each checking who may act first and audited.

Posts and lockouts are the security administrator's, accounts and initial passwords the system
administrator's (``roles.py``). Token and session revocation on a password change or a
deactivation happens in one infrastructure place (``signals.py``), whoever saves the user."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from supervision.core.audit import audit, create_audited, save_audited
from supervision.core.models import Assignment, Department, Region, SecurityEvent, User
from supervision.core.policy import Denied

from .roles import SEPARATION_MESSAGE, check_separation, may_manage_accounts, may_manage_posts


def grant_post(actor: Any, user: User, department: Department, region: Region, role: str) -> Assignment:
    """Give ``user`` a post; a 三员 role is refused when the user holds another one."""
    if not may_manage_posts(actor):
        raise Denied("岗位与权限由安全管理员分配，您无权分配岗位。")
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)  # serialise grants to one user
        post = Assignment(user=user, department=department, region=region, role=role, active=True)
        check_separation(post)
        try:
            with transaction.atomic():
                create_audited(post, actor, "grant_post")
        except IntegrityError as exc:  # the database's guard, should a check be bypassed
            raise ValidationError(SEPARATION_MESSAGE, code="separation_of_duties") from exc
    user._assignment_cache = None  # type: ignore[assignment]
    return post


def end_post(actor: Any, post: Assignment) -> Assignment:
    if not may_manage_posts(actor):
        raise Denied("岗位与权限由安全管理员调整，您无权调整岗位。")
    with transaction.atomic():
        post = Assignment.objects.select_for_update().get(pk=post.pk)
        before = {"active": post.active}
        post.active = False
        save_audited(post, actor, "end_post", before)
    return post


def set_initial_password(actor: Any, user: User, raw_password: str) -> None:
    """An administrator sets (or resets) a password: the user must change it at next sign-in.
    The user's tokens and sessions end (signals.py)."""
    if not may_manage_accounts(actor):
        raise Denied("账户由系统管理员管理，您无权设置他人的密码。")
    from django.contrib.auth.password_validation import validate_password

    validate_password(raw_password, user)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        user.set_password(raw_password)
        user.must_change_password = True
        user.save(update_fields=["password", "must_change_password", "password_changed_at"])
        audit(user, actor, "set_initial_password", {"must_change_password": (False, True)})


def deactivate_user(actor: Any, user: User) -> User:
    """Switch an account off: its sessions and tokens end at once (signals.py)."""
    if not may_manage_accounts(actor):
        raise Denied("账户由系统管理员管理，您无权停用账户。")
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        before = {"is_active": user.is_active}
        user.is_active = False
        save_audited(user, actor, "deactivate", before)
    return user


def unlock(actor: Any, username: str) -> int:
    """Lift a lockout (the security administrator's): the recorded failures of the user go."""
    if not may_manage_posts(actor):
        raise Denied("解除锁定由安全管理员办理，您无权解除锁定。")
    from axes.models import AccessAttempt

    with transaction.atomic():
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        SecurityEvent.objects.create(
            kind=SecurityEvent.Kind.LOCKOUT,
            user=actor if getattr(actor, "pk", None) else None,
            username=username,
            detail=f"解除锁定（{timezone.localtime():%Y-%m-%d %H:%M}，由 {actor} 办理）",
        )
    return count


def reset_two_factor(actor: Any, user: User) -> int:
    """A lost or replaced phone: the security administrator removes the user's authenticators;
    the user enrols again at the next sign-in (where two-factor is required)."""
    if not may_manage_posts(actor):
        raise Denied("重置两步验证由安全管理员办理，您无权重置。")
    from django_otp.plugins.otp_totp.models import TOTPDevice

    with transaction.atomic():
        count, _ = TOTPDevice.objects.filter(user=user).delete()
        SecurityEvent.objects.create(
            kind=SecurityEvent.Kind.TWO_FACTOR,
            user=user,
            username=user.username,
            detail=f"重置（由 {actor} 办理）",
        )
    return count


def create_account(actor: Any, *, username: str, display_name: str, phone: str = "") -> tuple[User, str]:
    """The system administrator opens an account (without a post: posts are the security
    administrator's) with a one-time initial password, returned once and never stored in clear."""
    if not may_manage_accounts(actor):
        raise Denied("账户由系统管理员管理，您无权新建账户。")
    from django.contrib.auth.password_validation import validate_password

    from supervision.countyadmin.services import one_time_password

    username = (username or "").strip()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": "该用户名已被使用，请换一个。"})
    with transaction.atomic():
        user = User(username=username, display_name=(display_name or "").strip(), phone=(phone or "").strip())
        for _attempt in range(5):
            password = one_time_password()
            try:
                validate_password(password, user)
            except ValidationError:
                continue
            break
        else:
            raise ValidationError("无法生成符合密码规则的初始密码，请重试。")
        user.set_password(password)
        user.must_change_password = True
        user.save()
        audit(
            user,
            actor,
            "create_account",
            {"username": (None, user.username), "display_name": (None, user.display_name)},
            created=True,
        )
    return user, password


def reset_initial_password(actor: Any, user: User) -> str:
    """A new one-time initial password (returned once) through ``set_initial_password``."""
    from supervision.countyadmin.services import one_time_password

    password = one_time_password()
    set_initial_password(actor, user, password)
    return password


def reactivate_user(actor: Any, user: User) -> User:
    if not may_manage_accounts(actor):
        raise Denied("账户由系统管理员管理，您无权启用账户。")
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        before = {"is_active": user.is_active}
        user.is_active = True
        save_audited(user, actor, "activate", before)
    return user
