"""Error pages (400/403/404/500) in Chinese, with the navigation and a way back.

A page under ``/public/`` gets the public site's frame; every other page the staff frame. The
500 page is rendered without a request context (the error may have come from it), so it names
no user and runs no query."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template import loader

PUBLIC_PREFIX = "/public/"


def base_template(request: HttpRequest | None) -> str:
    path = getattr(request, "path", "") or ""
    return "public/base_public.html" if path.startswith(PUBLIC_PREFIX) else "base.html"


def _render(request: HttpRequest, template: str, status: int, extra: dict[str, Any]) -> HttpResponse:
    context = {"base_template": base_template(request), "is_public": base_template(request) != "base.html"}
    context.update(extra)
    return HttpResponse(loader.render_to_string(template, context, request=request), status=status)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, "404.html", 404, {"request_path": request.path})


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if exception is not None and str(exception) else ""
    return _render(request, "403.html", 403, {"exception": message})


def server_error(request: HttpRequest) -> HttpResponse:
    template = loader.get_template("500.html")
    context = {"base_template": base_template(request), "is_public": base_template(request) != "base.html"}
    return HttpResponse(template.render(context), status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without (or with an expired) security token: usually a page left open too long."""
    return _render(
        request,
        "403.html",
        403,
        {"exception": "页面已过期或表单校验失败，请刷新页面后重新提交。", "csrf": True},
    )
