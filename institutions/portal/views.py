"""Pages of the institution's side: first sign-in by one-time code or link, the own account."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from supervision.core.institution_menu import institution_context, require_institution_account

from . import accounts
from .forms import CodeSignInForm, NewPasswordForm
from .models import InstitutionAccount

BACKEND = "django.contrib.auth.backends.ModelBackend"


def _redeem(request: HttpRequest, form: Any, code: str, username: str | None) -> HttpResponse | None:
    try:
        user = accounts.sign_in_code_redeem(
            code, form.cleaned_data["new_password1"], username=username, request=request
        )
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            form.add_error(None, exc)
        else:
            for message in exc.messages:
                target = "new_password1" if message != accounts.CODE_INVALID else None
                form.add_error(target, message)
        return None
    login(request, user, backend=BACKEND)
    messages.success(request, "密码已设置，欢迎使用机构端。以后请用用户名和密码登录。")
    return redirect("institution_home")


def sign_in(request: HttpRequest) -> HttpResponse:
    """首次登录（一次性登录码）: user name, code and the new password in one form."""
    form = CodeSignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = _redeem(request, form, form.cleaned_data["code"], form.cleaned_data["username"])
        if done is not None:
            return done
    return render(request, "institutions/portal/sign_in.html", {"form": form, "by_link": False})


def sign_in_link(request: HttpRequest, code: str) -> HttpResponse:
    """首次登录（一次性链接）: the link carries the code; the page asks for the new password, and
    nothing is used up by merely opening the link (mail scanners follow links)."""
    live = accounts.code_is_live(code)
    form = NewPasswordForm(request.POST or None)
    if request.method == "POST" and live and form.is_valid():
        done = _redeem(request, form, code, None)
        if done is not None:
            return done
    return render(
        request,
        "institutions/portal/sign_in.html",
        {"form": form, "by_link": True, "live": live, "invalid_text": accounts.CODE_INVALID},
    )


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """本机构账户: who this account is, and the institution's other accounts."""
    pk = require_institution_account(request)
    user: Any = request.user
    mine = InstitutionAccount.objects.select_related("institution").get(user=user)
    others = InstitutionAccount.objects.visible_to(request.user).filter(institution_id=pk).exclude(pk=mine.pk)
    return render(
        request,
        "institutions/portal/account.html",
        {**institution_context(request), "account": mine, "others": list(others)},
    )
