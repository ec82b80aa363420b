"""Every route, walked as an institution account (one client, no browser, no demo): the staff
pages, exports, document downloads and the staff API refuse it (403); the institution's own pages
answer 404 for another institution's objects and never show another institution's rows, a
complainant, an inspector's working note or an internal referral."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from institutions.portal.filing_models import ApplicationState, FilingApplication

pytestmark = pytest.mark.django_db

OPEN = (
    "institution/",
    "accounts/login/",
    "accounts/logout/",
    "accounts/password/",
    "accounts/two-factor/",
    "accounts/tokens/",
    "public/",
    "static/",
    "i18n/",
    "healthz/",
    "api/v1/auth/",
    "api/v1/notifications/",
    "deadlines/notifications/",
)
# Reference data shown to every signed-in user (the published inspection item list).
REFERENCE = ("api/v1/inspection-items/",)
CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")


def routes(resolver: URLResolver | None = None, prefix: str = "") -> list[str]:
    out: list[str] = []
    for p in (resolver or get_resolver()).url_patterns:
        pattern = str(p.pattern)
        if pattern.startswith("^") or "(?P" in pattern:
            if isinstance(p, URLResolver) and pattern.startswith("^admin"):
                continue
            pattern = pattern.lstrip("^").rstrip("$").replace("\\.", ".")
            pattern = re.sub(r"\(\?P<(\w+)>\[\^/\.\]\+\)", r"<str:\1>", pattern)
            if "(?P" in pattern or "[" in pattern:
                continue  # the router's format-suffix variants: the plain route is walked
        if isinstance(p, URLResolver):
            if pattern.startswith("admin/"):
                continue  # the Django admin: superusers only (is_staff)
            out += routes(p, prefix + pattern)
        elif isinstance(p, URLPattern):
            out.append(prefix + pattern)
    return sorted(set(out))


def concrete(route: str, pk: int) -> str:
    def value(m: re.Match[str]) -> str:
        return str(pk) if (m.group(1) or "str") == "int" or m.group(2) in ("pk", "id") else "x"

    return "/" + CONVERTER.sub(value, route)


@pytest.fixture
def foreign(world, other_institution):
    """Another institution's filing application, with a name that must never show."""
    return FilingApplication.objects.create(
        institution=other_institution,
        state=ApplicationState.RETURNED,
        name="阳谷县康乐养老院",
        bureau_region=world.yanggu,
        submitted_at=dt.datetime.fromisoformat("2026-11-20T09:00:00+08:00"),
        missing=["床位数"],
    )


def test_staff_routes_refuse_and_own_routes_scope(institution_account, foreign):
    user, _own = institution_account
    client = Client()
    client.force_login(user)
    wrong: list[str] = []
    for route in routes():
        if route.startswith(("public/", "static/", "i18n/", "accounts/logout/")):
            continue
        url = concrete(route, foreign.pk)
        response: Any = client.get(url)
        if route in ("", "workbench/"):
            if response.get("Location") != "/institution/":
                wrong.append(f"{url}: should lead to the institution home")
            continue
        if not route.startswith(OPEN):
            if response.status_code != 403:
                wrong.append(f"{url}: {response.status_code}, a staff route must refuse (403)")
            continue
        if response.status_code >= 500:
            wrong.append(f"{url}: {response.status_code}")
        elif response.status_code == 200 and "<int:" in route:
            wrong.append(f"{url}: another institution's object answered 200")
        elif response.status_code == 200 and "阳谷县康乐养老院" in response.content.decode(errors="ignore"):
            wrong.append(f"{url}: shows another institution")
    assert not wrong, "\n".join(wrong)


def test_the_staff_api_refuses_every_list(institution_account):
    user, _own = institution_account
    client = Client()
    client.force_login(user)
    root = client.get("/api/v1/")
    assert root.status_code == 403
    for route in routes():
        if route.startswith("api/v1/") and "<" not in route and not route.startswith(OPEN):
            assert client.get("/" + route).status_code == 403, route


def test_the_api_by_token_shows_nothing_of_another_institution(institution_account, foreign):
    """A token request (DRF authentication, below the page gate) is scoped by visible_to alone."""
    from rest_framework.test import APIClient

    user, _own = institution_account
    client = APIClient()
    client.force_authenticate(user)
    wrong = []
    for route in routes():
        if not route.startswith("api/v1/") or "<" in route or route.startswith("api/v1/auth/"):
            continue
        response = client.get("/" + route)
        if response.status_code >= 500:
            wrong.append(f"{route}: {response.status_code}")
        elif response.status_code == 200 and "阳谷县康乐养老院" in response.content.decode():
            wrong.append(f"{route}: shows another institution")
    for route in routes():
        if route.startswith(REFERENCE):
            continue
        if route.startswith("api/v1/") and ("<int:" in route or "<str:pk>" in route):
            response = client.get(concrete(route, foreign.institution_id))
            if response.status_code == 200:
                wrong.append(f"{route}: another institution's object answered 200")
    assert not wrong, "\n".join(wrong)
