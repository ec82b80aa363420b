"""Language selection: the portal speaks Chinese unless the user chose another language.

Django's LocaleMiddleware would follow the browser's Accept-Language, so an English-language
browser on a government PC would get a half-translated page; here only an explicit choice
(the language cookie set by /i18n/setlang/) switches the language.

``QueryGuardMiddleware`` refuses a NUL byte in the path or the query string (400, Chinese)
before any view runs; ``bad_query_response`` is the one 400 answer for bad query input."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class PortalLocaleMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


NUL_MESSAGE = _("请求参数含有空字符（NUL），无法处理。请检查链接或查询条件。")


def wants_json(request: HttpRequest) -> bool:
    """The API, the open-data downloads and ``?format=json`` answer errors as JSON."""
    path = request.path
    return (
        path.startswith("/api/")
        or path.endswith((".json", ".csv"))
        or "/api/" in path
        or request.GET.get("format") == "json"
    )


def bad_query_response(request: HttpRequest, messages: list[Any]) -> HttpResponse:
    """400 for bad query input, in Chinese: JSON ``{"detail": …, "errors": […]}`` for
    machines, else the 400 page (public layout under /public/, staff layout elsewhere)."""
    from django.http import JsonResponse
    from django.shortcuts import render

    texts = [str(m) for m in messages] or [str(_("请求参数有误。"))]
    if wants_json(request):
        return JsonResponse(
            {"detail": "；".join(texts), "errors": texts},
            status=400,
            json_dumps_params={"ensure_ascii": False},
        )
    public = request.path.startswith("/public/")
    return render(
        request,
        "400.html",
        {"messages_400": texts, "base_template": "public/base_public.html" if public else "base.html"},
        status=400,
    )


def _has_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
        return True
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists())


class QueryGuardMiddleware:
    """Refuse a request whose path or query string carries a NUL byte, before any view runs:
    PostgreSQL cannot store or compare one (psycopg: "A string literal cannot contain NUL"),
    so it would otherwise be a 500 wherever a parameter reaches a query."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request):
            return bad_query_response(request, [NUL_MESSAGE])
        return self.get_response(request)
