"""The institution's side (机构端): one menu that the apps fill, and the gate to staff pages.

The institution side is not an app of its own (ARCHITECTURE.md): each app serves its procedure's
pages to the institution account (filing and disclosure in ``institutions``, notices in
``inspections/rectification``, objections in ``credit``) and registers them here from its
``AppConfig.ready``::

    register_institution_page("filing", "在线备案", "institution_portal:filing", order=10)

``/institution/`` (URL name ``institution_home``) lists the registered pages for an institution
account. An institution account holds no post; ``InstitutionGateMiddleware`` keeps it off the
staff pages (403) and the staff API, whatever their scoping would show: it may reach the
institution pages, its own account's pages (password, sign-out), the public face and static files.
Which user is an institution account is the scoping resolver's answer (``institution_pk_of``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse

from .scoping import institution_pk_of


@dataclass(frozen=True)
class InstitutionPage:
    key: str
    label: str
    url_name: str
    order: int = 100
    description: str = ""


_pages: dict[str, InstitutionPage] = {}
# Paths an institution account may reach besides the registered pages' prefix (/institution/).
_open_prefixes: list[str] = [
    "/institution/",
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/password/",
    "/accounts/two-factor/",
    "/accounts/tokens/",
    # its own notifications: the clocks remind the institution too
    "/deadlines/notifications/",
    "/api/v1/notifications/",
    "/public/",
    "/static/",
    "/i18n/",
    "/healthz/",
    "/api/v1/auth/",
]
# Per-institution summaries shown on the home page: ``fn(request, institution_pk) -> dict|None``
# with ``label``, ``value`` and optionally ``url``.
Summary = Callable[[Any, int], dict[str, Any] | None]
_summaries: list[Summary] = []


def register_institution_page(
    key: str, label: str, url_name: str, order: int = 100, description: str = ""
) -> None:
    """Add a page to the institution menu (idempotent per key)."""
    _pages[key] = InstitutionPage(key, label, url_name, order, description)


def register_institution_prefix(prefix: str) -> None:
    """Open another path prefix to institution accounts (e.g. an app's own document download)."""
    if prefix not in _open_prefixes:
        _open_prefixes.append(prefix)


def register_institution_summary(fn: Summary) -> Summary:
    if fn not in _summaries:
        _summaries.append(fn)
    return fn


def institution_pages() -> list[dict[str, Any]]:
    out = []
    for page in sorted(_pages.values(), key=lambda p: (p.order, p.key)):
        try:
            url = reverse(page.url_name)
        except NoReverseMatch:
            continue
        out.append({"key": page.key, "label": page.label, "url": url, "description": page.description})
    return out


def is_institution_account(user: Any) -> bool:
    return institution_pk_of(user) is not None


def require_institution_account(request: HttpRequest) -> int:
    """The institution pk of the signed-in account; 403 for staff (the pages are the institution's)."""
    pk = institution_pk_of(request.user)
    if pk is None:
        raise PermissionDenied("此页面仅供养老服务机构的机构账户使用。")
    return pk


def institution_context(request: HttpRequest) -> dict[str, Any]:
    """Context for every institution page: the menu."""
    return {"institution_menu": institution_pages()}


@login_required
def institution_home(request: HttpRequest) -> HttpResponse:
    """机构端首页: the institution's menu and what waits for it."""
    pk = require_institution_account(request)
    summaries = [s for s in (fn(request, pk) for fn in _summaries) if s]
    return render(
        request,
        "core/institution_home.html",
        {**institution_context(request), "summaries": summaries},
    )


GATE_TEXT = "机构账户只能使用机构端页面：监管部门的页面和接口不对机构开放。"


class InstitutionGateMiddleware:
    """Keep institution accounts on their side: staff pages answer 403, the workbench and the
    root lead to the institution home."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user: Any = getattr(request, "user", None)
        if user is not None and user.is_authenticated and institution_pk_of(user) is not None:
            path = request.path
            if path in ("/", "/workbench/"):
                return redirect("institution_home")
            if not path.startswith(tuple(_open_prefixes)):
                if path.startswith("/api/"):
                    return JsonResponse(
                        {"detail": GATE_TEXT}, status=403, json_dumps_params={"ensure_ascii": False}
                    )
                raise PermissionDenied(GATE_TEXT)
        return self.get_response(request)
