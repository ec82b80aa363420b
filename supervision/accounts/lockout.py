"""Lockout after failed sign-ins (django-axes), per account first and per address only at a
much higher threshold, so one colleague's typos do not lock the whole office behind one
address (a county bureau's PCs usually share one NAT address).

* ``AXES_USER_FAILURE_LIMIT`` failures (default 5) for one user name, from any address, lock
  that user name for ``AXES_COOLOFF_TIME`` (15 minutes);
* ``AXES_IP_FAILURE_LIMIT`` failures (default 50) from one address, for any user names, lock
  that address (password spraying).

django-axes applies one limit to every lockout parameter; ``PortalAxesHandler`` scales the
per-address count so that the one limit means "5 for a user name, 50 for an address". Each
lockout is a ``SecurityEvent`` (``supervision/core/signals.py``) and answers 429 with a Chinese
message that says how long is left (page and API alike).

The client address comes from ``client_ip``: ``REMOTE_ADDR``, or, behind ``TRUSTED_PROXY_COUNT``
reverse proxies, the address the outermost trusted proxy saw (from the right of
``X-Forwarded-For``; entries further left are the client's to invent)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Q, Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone


def user_limit() -> int:
    return int(getattr(settings, "AXES_USER_FAILURE_LIMIT", 5))


def ip_limit() -> int:
    return int(getattr(settings, "AXES_IP_FAILURE_LIMIT", 50))


def client_ip(request: Any) -> str | None:
    """The client's address, trusting exactly ``TRUSTED_PROXY_COUNT`` proxies in front."""
    if request is None:
        return None
    meta = request.META
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))
    if proxies > 0:
        forwarded = [p.strip() for p in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return meta.get("REMOTE_ADDR") or None


def _recent(request: Any) -> Any:
    from axes.attempts import get_cool_off_threshold
    from axes.handlers.proxy import AxesProxyHandler

    AxesProxyHandler.update_request(request)  # no-op on a request axes has seen
    return AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))


def failures(request: Any, credentials: dict | None) -> tuple[int, int]:
    """Recent failures for the user name given and from the request's address."""
    username = get_client_username(request, credentials)
    recent = _recent(request)
    by_user = 0
    if username:
        by_user = recent.filter(username=username).aggregate(n=Sum("failures_since_start"))["n"] or 0
    ip = getattr(request, "axes_ip_address", None)
    by_ip = 0
    if ip:
        by_ip = recent.filter(ip_address=ip).aggregate(n=Sum("failures_since_start"))["n"] or 0
    return by_user, by_ip


class PortalAxesHandler(AxesDatabaseHandler):
    """Axes' database handler with the per-address count scaled to its own, higher limit:
    ``floor(n × U / I) ≥ U`` exactly when ``n ≥ I``, so axes' one limit ``U`` serves both."""

    def get_failures(self, request: Any, credentials: dict | None = None) -> int:
        by_user, by_ip = failures(request, credentials)
        scaled_ip = by_ip * user_limit() // max(ip_limit(), 1)
        request.axes_lock_reason = (
            "user" if by_user >= user_limit() else ("ip" if scaled_ip >= user_limit() else "")
        )
        return max(by_user, scaled_ip)

    def reset_user_attempts(self, request: Any, credentials: dict | None = None) -> int:
        """A successful sign-in clears the failures of that user name only: it proves nothing
        about the other names tried from the same address."""
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count


def minutes_left(request: Any, credentials: dict | None) -> int:
    """Whole minutes (rounded up) until the lock lifts: the cool-off counts from the last failure."""
    cool_off = get_cool_off(request) or dt.timedelta(minutes=15)
    username = get_client_username(request, credentials)
    ip = getattr(request, "axes_ip_address", None) or client_ip(request)
    q = Q(pk__in=[])
    if username:
        q |= Q(username=username)
    if ip and getattr(request, "axes_lock_reason", "user") == "ip":
        q |= Q(ip_address=ip)
    last = _recent(request).filter(q).aggregate(last=Max("attempt_time"))["last"]
    if last is None:
        return math.ceil(cool_off.total_seconds() / 60)
    seconds = (last + cool_off - timezone.now()).total_seconds()
    return max(1, math.ceil(seconds / 60))


def lockout_message(request: Any, credentials: dict | None = None) -> str:
    minutes = minutes_left(request, credentials)
    if getattr(request, "axes_lock_reason", "user") == "ip":
        who = "来自本地址的登录失败次数过多，该地址已被暂时锁定"
    else:
        who = "登录失败次数过多，该账户已被暂时锁定"
    return f"{who}，请在 {minutes} 分钟后再试；如需提前解除，请联系安全管理员。"


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """``AXES_LOCKOUT_CALLABLE``: the Chinese 429 with the time left."""
    message = lockout_message(request, credentials)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=429, json_dumps_params={"ensure_ascii": False})
    return render(request, "registration/locked_out.html", {"lockout_message": message}, status=429)
