"""Infrastructure of every public page: per-client throttling and a whole-page cache.

Throttle: a fixed-window counter per client address in the cache, at the rate
``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][scope]`` (``public``: 120/min); over the rate the
answer is 429 with ``Retry-After`` and a Chinese message. ``PublicThrottle`` is the same rule
for DRF views.

Page cache: ``public_page`` serves an anonymous GET from the cache under
``version:language:path?query``; a hit returns before any middleware-free work touches the
database (no session, no user, no query). The version is one integer in the cache;
``invalidate_public_pages()`` bumps it (apps call it, via ``record_public_change`` or directly,
when they publish or unpublish) so every cached page is stale at once, and the short TTL bounds
what a missed invalidation can cost. A view may lower the TTL for its response with
``response.public_max_age`` (e.g. a policy page that expires in 30 s).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language
from rest_framework.exceptions import Throttled
from rest_framework.throttling import SimpleRateThrottle

VERSION_KEY = "publicity:page-version"
THROTTLE_MESSAGE = "访问过于频繁，请稍后再试。"
DEFAULT_TTL = 60


def page_ttl() -> int:
    """How long a public page may be served from the cache (``PUBLIC_PAGE_CACHE_SECONDS``)."""
    return int(getattr(settings, "PUBLIC_PAGE_CACHE_SECONDS", DEFAULT_TTL))


def page_version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return int(version)


def invalidate_public_pages() -> None:
    """Make every cached public page stale (one version bump, O(1))."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # evicted or never set
        cache.set(VERSION_KEY, time.time_ns(), timeout=None)


def rate_for(scope: str) -> tuple[int, int]:
    """(requests, seconds) of a throttle scope from REST_FRAMEWORK's DEFAULT_THROTTLE_RATES."""
    rates: dict[str, str] = getattr(settings, "REST_FRAMEWORK", {}).get("DEFAULT_THROTTLE_RATES", {})
    rate = rates.get(scope) or "120/min"
    num, period = rate.split("/")
    seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400}[period[0]]
    return int(num), seconds


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR only: X-Forwarded-For is chosen by the client unless a trusted proxy
    rewrites REMOTE_ADDR (deploy behind one that does)."""
    return request.META.get("REMOTE_ADDR") or "unknown"


def hit_limit(request: HttpRequest, scope: str = "public") -> int | None:
    """Count this request against ``scope``; return seconds to wait when over the rate."""
    limit, window = rate_for(scope)
    now = int(time.time())
    key = f"publicity:throttle:{scope}:{client_ip(request)}:{now // window}"
    cache.add(key, 0, timeout=window + 1)
    try:
        hits = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=window + 1)
        hits = 1
    if hits > limit:
        return window - now % window or 1
    return None


def too_many(wait: int) -> HttpResponse:
    response = HttpResponse(
        f'<!doctype html><html lang="zh-hans"><meta charset="utf-8"><title>429</title>'
        f'<p role="alert">{THROTTLE_MESSAGE}</p></html>',
        status=429,
        content_type="text/html; charset=utf-8",
    )
    response["Retry-After"] = str(wait)
    return response


def throttle(
    scope: str = "public", methods: tuple[str, ...] = ()
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """View decorator: 429 over the rate of ``scope`` (only for ``methods`` when given)."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if not methods or request.method in methods:
                wait = hit_limit(request, scope)
                if wait is not None:
                    return too_many(wait)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def _cache_key(request: HttpRequest, version: int) -> str:
    raw = f"{version}:{get_language()}:{request.get_full_path()}"
    return "publicity:page:" + hashlib.sha256(raw.encode()).hexdigest()


def public_page(view: Callable[..., Any]) -> Callable[..., Any]:
    """Throttle, then serve anonymous GETs from the page cache (see the module docstring).
    Only visitors without a session cookie share cached pages, so deciding cacheability needs
    no session lookup; responses that set a cookie (a CSRF token) are never stored."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        wait = hit_limit(request, "public")
        if wait is not None:
            return too_many(wait)
        ttl = page_ttl()
        cacheable = (
            ttl > 0
            and request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
        )
        key = ""
        if cacheable:
            key = _cache_key(request, page_version())
            hit = cache.get(key)
            if hit is not None:
                content, headers, status = hit
                response = HttpResponse(content, status=status)
                for name, value in headers.items():
                    response[name] = value
                response["X-Public-Cache"] = "hit"
                return response
        response = view(request, *args, **kwargs)
        max_age = min(ttl, int(getattr(response, "public_max_age", ttl)))
        if (
            cacheable
            and max_age > 0
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        ):
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
            headers = {
                k: v for k, v in response.items() if k.lower() in ("content-type", "content-disposition")
            }
            cache.set(key, (response.content, headers, response.status_code), max_age)
            response["X-Public-Cache"] = "miss"
        return response

    return wrapper


class PublicThrottle(SimpleRateThrottle):
    """DRF throttle of the public API: ``public`` rate per client address."""

    scope = "public"

    def get_rate(self) -> str:
        rates: dict[str, str] = getattr(settings, "REST_FRAMEWORK", {}).get("DEFAULT_THROTTLE_RATES", {})
        return rates.get(str(self.scope), "120/min")

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request)}


class ChineseThrottleMixin:
    """DRF views answering 429 with the Chinese message."""

    def throttled(self, request: Any, wait: float | None) -> None:
        raise Throttled(wait=wait, detail=THROTTLE_MESSAGE)
