"""Sessions: the 12-hour absolute limit, and the identity steps before any page (web.py).

The 30-minute idle limit is Django's own (``SESSION_COOKIE_AGE`` renewed on every request);
the absolute limit counts from the sign-in (stamped in the session by ``signals.py``) and
ends the session however active it is (``SESSION_ABSOLUTE_SECONDS``, default 12 hours)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from .signals import SIGNED_IN_AT
from .web import STEP_MESSAGES, pending_step

STEP_URLS = {
    "verify": "accounts:two_factor_verify",
    "password": "accounts:password_change",  # nosec B105 # a URL name
    "enrol": "accounts:two_factor",
}
# Reachable whatever step is pending: sign-out, static files, language, the public face.
ALWAYS_OPEN = ("/static/", "/accounts/logout/", "/accounts/login/", "/i18n/", "/healthz/", "/public/")


class AccountSecurityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user: Any = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            ended = self._absolute_limit(request)
            if ended is not None:
                return ended
            held = self._identity_steps(request)
            if held is not None:
                return held
        return self.get_response(request)

    def _absolute_limit(self, request: HttpRequest) -> HttpResponse | None:
        now = int(timezone.now().timestamp())
        signed_in = request.session.get(SIGNED_IN_AT)
        if signed_in is None:
            request.session[SIGNED_IN_AT] = now  # a session from before this rule: count from now
            return None
        limit = int(getattr(settings, "SESSION_ABSOLUTE_SECONDS", 12 * 3600))
        if now - int(signed_in) <= limit:
            return None
        logout(request)
        hours = limit // 3600
        text = f"登录已满 {hours} 小时，为保障账户安全请重新登录。" if hours else "登录已到期，请重新登录。"
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": text}, status=401, json_dumps_params={"ensure_ascii": False})
        messages.info(request, text)
        return redirect_to_login(request.get_full_path())

    def _identity_steps(self, request: HttpRequest) -> HttpResponse | None:
        if request.path.startswith(ALWAYS_OPEN):
            return None
        step = pending_step(request)
        if step is None:
            return None
        target = reverse(STEP_URLS[step])
        if request.path == target or (step == "enrol" and request.path.startswith(target)):
            return None
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": STEP_MESSAGES[step]}, status=403, json_dumps_params={"ensure_ascii": False}
            )
        if request.method == "GET" and not request.headers.get("HX-Request"):
            return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return redirect(target)
