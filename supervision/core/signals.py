"""Infrastructure signal handlers: security events for the audit trail (logins, lockouts)."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .models import SecurityEvent


def client_ip(request: Any) -> str | None:
    """The client's address: the portal's one rule (trusted proxies, ``AXES_CLIENT_IP_CALLABLE``
    — supervision/accounts/lockout.py), else ``REMOTE_ADDR``."""
    if request is None:
        return None
    from django.conf import settings
    from django.utils.module_loading import import_string

    getter = getattr(settings, "AXES_CLIENT_IP_CALLABLE", None)
    if isinstance(getter, str) and getter:
        return import_string(getter)(request) or None
    return request.META.get("REMOTE_ADDR") or None


def record(kind: str, request: Any = None, user: Any = None, username: str = "", detail: str = "") -> None:
    if kind == SecurityEvent.Kind.EXPORT and request is not None:
        request._audit_export_recorded = True  # the download of the export is not logged twice
    SecurityEvent.objects.create(
        kind=kind,
        user=user if user is not None and getattr(user, "pk", None) else None,
        username=username or (getattr(user, "username", "") if user is not None else ""),
        ip_address=client_ip(request),
        detail=detail[:500],
    )


@receiver(user_logged_in)
def on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    # A token sign-in (POST /api/v1/auth/token/) is a sign-in too (supervision/accounts).
    record(
        SecurityEvent.Kind.LOGIN,
        request,
        user,
        detail="API 令牌" if getattr(request, "api_token_login", False) else "",
    )


@receiver(user_logged_out)
def on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record(SecurityEvent.Kind.LOGOUT, request, user)


@receiver(user_login_failed)
def on_login_failed(sender: Any, credentials: dict, request: Any = None, **kwargs: Any) -> None:
    record(SecurityEvent.Kind.LOGIN_FAILED, request, username=str(credentials.get("username", ""))[:150])


@receiver(user_locked_out)
def on_locked_out(
    sender: Any, request: Any, username: str | None = None, ip_address: str | None = None, **kw: Any
):
    record(SecurityEvent.Kind.LOCKOUT, request, username=username or "", detail=f"ip={ip_address}")
