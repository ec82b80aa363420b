"""What stands between a signed-in user and the portal: the steps of identity.

In this order, before any other page (``middleware.AccountSecurityMiddleware``):

1. ``verify``: a user with a confirmed authenticator enters the code of the moment;
2. ``password``: an initial password set by an administrator, or one older than
   ``PASSWORD_EXPIRY_DAYS``, is changed;
3. ``enrol``: where ``TWO_FACTOR=admins`` (or ``all``), an administrator without an
   authenticator sets one up.

``TWO_FACTOR`` is ``off`` (default), ``optional`` (anyone may enrol; who has enrolled is asked),
``admins`` (required for administrators: superusers, staff, the 三员 and 管理员 posts) or ``all``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone

MODES = ("off", "optional", "admins", "all")


def two_factor_mode() -> str:
    mode = str(getattr(settings, "TWO_FACTOR", "off")).strip().lower()
    return mode if mode in MODES else "off"


def is_administrator(user: Any) -> bool:
    if getattr(user, "is_superuser", False) or getattr(user, "is_staff", False):
        return True
    admin_roles = getattr(user, "admin_roles", None)
    if admin_roles is not None and admin_roles():
        return True
    return any(a.role == "admin" for a in user.active_assignments())


def confirmed_device(user: Any) -> Any:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def two_factor_required(user: Any) -> bool:
    mode = two_factor_mode()
    return mode == "all" or (mode == "admins" and is_administrator(user))


def password_expired(user: Any) -> bool:
    days = int(getattr(settings, "PASSWORD_EXPIRY_DAYS", 0) or 0)
    if days <= 0:
        return False
    changed = user.password_changed_at or user.date_joined
    return changed + dt.timedelta(days=days) <= timezone.now()


def must_change_password(user: Any) -> bool:
    return bool(user.must_change_password) or password_expired(user)


def pending_step(request: Any) -> str | None:
    """The first identity step the signed-in user still owes, or None."""
    user = request.user
    mode = two_factor_mode()
    has_device = mode != "off" and confirmed_device(user) is not None
    if has_device and not getattr(user, "is_verified", lambda: False)():
        return "verify"
    if must_change_password(user):
        return "password"
    if not has_device and two_factor_required(user):
        return "enrol"
    return None


STEP_MESSAGES = {
    "verify": "请先输入验证器上的动态码，完成两步验证。",
    "password": "请先修改密码：初始密码或已到期的密码不能继续使用。",  # nosec B105 # a message
    "enrol": "管理员账户须启用两步验证：请先用手机验证器扫描二维码完成设置。",
}


def api_sign_in_refusal(user: Any, otp: str | None) -> str:
    """Why a token sign-in is refused ("" when it may proceed): the web's steps apply."""
    if must_change_password(user):
        return "请先在网页上登录并修改密码（初始密码或已到期的密码），再申请 API 令牌。"
    mode = two_factor_mode()
    device = confirmed_device(user) if mode != "off" else None
    if device is not None:
        if not otp or not device.verify_token(str(otp).strip()):
            return "该账户已启用两步验证：请在 otp 字段填写验证器上的 6 位动态码。"
        return ""
    if two_factor_required(user):
        return "管理员账户须先在网页上启用两步验证，再申请 API 令牌。"
    return ""
