"""Identity pages: change password, API tokens, two-factor sign-in (enrol, verify, switch off)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from supervision.core.models import SecurityEvent
from supervision.core.signals import record

from . import web
from .forms import OtpTokenForm, PasswordChangeForm
from .tokens import tokens_of


def _next(request: HttpRequest, default: str = "workbench") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    from django.urls import reverse

    return reverse(default)


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    """修改密码: every user's own page. The current session stays signed in; every other
    session of the user and every API token end (signals.py)."""
    user: Any = request.user
    forced = web.must_change_password(user)
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        update_session_auth_hash(request, form.user)
        record(SecurityEvent.Kind.PASSWORD_CHANGED, request, user)
        messages.success(request, "密码已修改。其他设备上的登录和全部 API 令牌已失效。")
        return redirect(_next(request))
    return render(
        request,
        "accounts/password_change.html",
        {
            "form": form,
            "forced": forced,
            "expired": web.password_expired(user),
            "next": request.GET.get("next") or request.POST.get("next") or "",
        },
    )


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    """API 令牌: the user's own valid tokens, each revocable (their keys are never shown again)."""
    return render(request, "accounts/tokens.html", {"tokens": list(tokens_of(request.user))})


@login_required
@require_POST
def token_revoke(request: HttpRequest) -> HttpResponse:
    """Revoke one of the user's tokens (``token_key``) or all of them (``all``)."""
    mine = tokens_of(request.user)
    if request.POST.get("all"):
        count = mine.count()
        from .signals import revoke_tokens

        revoke_tokens(request.user)
        messages.success(request, f"已撤销全部 API 令牌（{count} 个）。")
    elif key := request.POST.get("token_key", "").strip():
        deleted, _ = mine.filter(token_key=key).delete()
        if deleted:
            messages.success(request, f"已撤销令牌 {key}…。")
        else:
            messages.error(request, "没有找到这个令牌：它可能已过期或已被撤销。")
    else:
        messages.error(request, "请选择要撤销的令牌。")
    return redirect("accounts:tokens")


def _unconfirmed_device(user: Any) -> Any:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="验证器", confirmed=False)
    return device


def qr_svg(data: str) -> str:
    import segno

    return segno.make(data, error="m").svg_inline(scale=4, title="两步验证二维码")


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """两步验证: enrol an authenticator (QR code and key), or see that one is set up."""
    user: Any = request.user
    mode = web.two_factor_mode()
    confirmed = web.confirmed_device(user)
    context: dict[str, Any] = {
        "mode": mode,
        "confirmed": confirmed,
        "required": web.two_factor_required(user),
        "next": request.GET.get("next") or request.POST.get("next") or "",
    }
    if mode == "off" or confirmed is not None:
        return render(request, "accounts/two_factor.html", context)
    device = _unconfirmed_device(user)
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            record(SecurityEvent.Kind.TWO_FACTOR, request, user, detail="启用")
            messages.success(request, "两步验证已启用：以后登录时，除密码外还须输入验证器上的动态码。")
            return redirect(_next(request))
        form.add_error("token", "动态码不正确或已过期，请输入验证器上当前显示的数字。")
    import base64

    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    context.update(
        {
            "form": form,
            "qr": qr_svg(device.config_url),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        }
    )
    return render(request, "accounts/two_factor.html", context)


@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step of a sign-in: the code of the moment."""
    user: Any = request.user
    device = web.confirmed_device(user)
    if device is None or web.two_factor_mode() == "off":
        return redirect(_next(request))
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            otp_login(request, device)
            return redirect(_next(request))
        record(SecurityEvent.Kind.LOGIN_FAILED, request, user, detail="两步验证动态码错误")
        form.add_error("token", "动态码不正确或已过期，请输入验证器上当前显示的数字。")
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "next": request.GET.get("next") or request.POST.get("next") or ""},
    )


@login_required
@require_POST
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    """Switch two-factor sign-in off: only where it is optional for this user."""
    user: Any = request.user
    if web.two_factor_required(user):
        messages.error(request, "管理员账户须使用两步验证，不能关闭。")
        return redirect("accounts:two_factor")
    from django_otp.plugins.otp_totp.models import TOTPDevice

    deleted, _ = TOTPDevice.objects.filter(user=user).delete()
    if deleted:
        record(SecurityEvent.Kind.TWO_FACTOR, request, user, detail="关闭")
        messages.success(request, "两步验证已关闭。")
    return redirect("accounts:two_factor")
