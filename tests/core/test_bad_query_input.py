"""Generated robustness test: bad query input never crashes a list. Every staff list page
(``ScopedListView``), every API list endpoint of the router (and the calendar endpoints) and
every public list, download and search page is asked with an out-of-range or huge year, a NUL
byte in each parameter it declares, ``?page=abc``, a malformed date in each date filter, a
non-numeric value in each number filter and an over-long string in each text filter. Each must
answer 200 or 400 (never 500), and a 400 must tell the user in Chinese what was wrong.

With ``DATABASE_URL`` pointing at PostgreSQL this also proves that no NUL byte reaches psycopg
("A string literal cannot contain NUL")."""

from __future__ import annotations

import re
from typing import Any

import django_filters
import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.test import APIClient

from supervision.core.models import User
from supervision.core.web import ScopedListView
from supervision.urls import router

pytestmark = pytest.mark.django_db

CHINESE = re.compile(r"[\u4e00-\u9fff]")
# Django's and DRF's untranslated error messages: a 400 must not fall back on them.
ENGLISH = ("Enter a ", "Select a valid", "Bad Request", "Ensure this value", "is not a valid")
NUL = "a\x00b"
BAD_DATES = ["2024-13-45", "0000-00-00", "99999-01-01", "20240101x"]
BAD_NUMBERS = ["abc", "99999999999999999999999", "1e999999", "-99999999999999999999"]
LONG = "长" * 5000
DATE_FILTERS = (
    django_filters.DateFilter,
    django_filters.DateTimeFilter,
    django_filters.DateFromToRangeFilter,
)
ALWAYS: list[dict[str, str]] = [
    {"year": "-1"},
    {"year": "99999999999"},
    {"year": "abc"},
    {"page": "abc"},
    {"page": "-1"},
    {"o": NUL},
    {"unknown": NUL},
]
# Search forms that answer a well-formed query with a redirect to the result.
REDIRECTS = {"/public/complaints/track/"}
# Routes of list views that need one object of their parent in the URL.
PARENT_OF = {"RowListView": "reconciliation.ReconciliationRun", "CoverageView": "inspections.InspectionPlan"}


def patterns(resolver: URLResolver | None = None, prefix: str = "") -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for p in (resolver or get_resolver()).url_patterns:
        if isinstance(p, URLResolver):
            out += patterns(p, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            out.append((prefix + str(p.pattern), p.callback))
    return out


def param_names(name: str, flt: django_filters.Filter) -> list[str]:
    """The query parameters one filter reads (a range filter reads ``name_after`` …)."""
    suffixes = getattr(flt.field.widget, "suffixes", None)
    return [f"{name}_{s}" if s else name for s in suffixes] if suffixes else [name]


def probes(filterset_class: Any) -> list[dict[str, str]]:
    """The bad queries for one FilterSet: the fixed ones, then per declared parameter."""
    out = list(ALWAYS)
    for name, flt in (filterset_class.base_filters if filterset_class else {}).items():
        for param in param_names(name, flt):
            out.append({param: NUL})
            if isinstance(flt, DATE_FILTERS):
                out += [{param: d} for d in BAD_DATES]
            elif isinstance(flt, django_filters.NumberFilter):
                out += [{param: n} for n in BAD_NUMBERS]
            elif isinstance(flt, django_filters.ModelChoiceFilter):
                out += [{param: "abc"}, {param: "99999999999999999999999"}]
            elif isinstance(flt, django_filters.CharFilter):
                out.append({param: LONG})
    return out


def judge(url: str, query: dict[str, str], response: Any, failures: list[str]) -> None:
    shown = {k: (v[:20] + "…" if len(v) > 20 else v) for k, v in query.items()}
    if response.status_code == 302 and url in REDIRECTS:
        return
    if response.status_code not in (200, 400):
        failures.append(f"{url} {shown!r}: {response.status_code}")
        return
    if response.status_code == 400:
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8", "replace")
        if not CHINESE.search(text):
            failures.append(f"{url} {shown!r}: 400 without a Chinese message: {text[:200]!r}")
        english = [e for e in ENGLISH if e in text]
        if english:
            failures.append(f"{url} {shown!r}: 400 in English ({english}): {text[:200]!r}")


@pytest.fixture
def demo(demo_module, db):
    """The demo, seeded once for the module (``demo_module``); each test rolls back its writes."""


def staff_lists() -> list[tuple[str, Any]]:
    from django.apps import apps

    found = []
    for route, callback in patterns():
        view = getattr(callback, "view_class", None)
        if view is None or not issubclass(view, ScopedListView):
            continue
        if "<" in route:
            label = PARENT_OF.get(view.__name__)
            if label is None and "<str:kind>" in route:
                continue  # the findings list's three views share FindingListView and its filters
            assert label, f"{route}: add the parent model of {view.__name__} to PARENT_OF"
            parent = apps.get_model(label).objects.order_by("pk").first()
            assert parent is not None, f"the demo data has no {label} for {route}"
            route = re.sub(r"<int:pk>", str(parent.pk), route)
        if route.startswith("audit/"):
            continue  # the audit administrator's page alone: tests/audit tries it
        found.append(("/" + route, view))
    return found


def test_staff_lists_answer_bad_query_input_with_400(demo, client):
    client.raise_request_exception = False
    client.force_login(User.objects.get(username="admin"))
    lists = staff_lists()
    assert len(lists) >= 20, lists
    failures: list[str] = []
    for url, view in lists:
        for query in probes(view.filterset_class):
            judge(url, query, client.get(url, query), failures)
        if view.export_columns:
            for query in ({"year": "-1"}, {"o": NUL}):
                judge(url, query, client.get(url, {**query, "export": "xlsx"}), failures)
    # the regions search page is a list with its own FilterSet
    from supervision.core.filters import RegionSearchFilter

    for query in probes(RegionSearchFilter):
        judge("/regions/", query, client.get("/regions/", query), failures)
    assert not failures, "\n".join(failures)


def api_filterset(viewset: Any) -> Any:
    view = viewset()
    view.request = None
    view.format_kwarg = None
    return DjangoFilterBackend().get_filterset_class(view, viewset.queryset)


def test_api_lists_answer_bad_query_input_with_400(demo):
    api = APIClient(raise_request_exception=False)
    api.force_authenticate(User.objects.get(username="admin"))
    failures: list[str] = []
    for prefix, viewset, _basename in router.registry:
        url = f"/api/v1/{prefix}/"
        if getattr(viewset, "queryset", None) is None:
            continue  # no rows behind it (the indicators: their parameters in tests/indicators)
        for query in probes(api_filterset(viewset)):
            judge(url, query, api.get(url, query), failures)
    calendar = {
        "/api/v1/calendar/add-workdays/": ["start", "n"],
        "/api/v1/calendar/workdays-between/": ["start", "end"],
        "/api/v1/calendar/is-workday/": ["date"],
    }
    for url, params in calendar.items():
        for param in params:
            for value in (NUL, *BAD_DATES, *BAD_NUMBERS):
                judge(url, {param: value}, api.get(url, {param: value}), failures)
    assert not failures, "\n".join(failures)


# Parameters the public pages read, whether through a FilterSet or by hand.
PUBLIC_PARAMS = ["q", "code", "type", "region", "kind", "nature", "status", "grade", "since", "format"]
PUBLIC_NUMBERS = ["beds_min", "beds_max", "limit", "grade", "institution", "verify", "new"]
DIRECTORY = ["/public/institutions/", "/public/institutions/export.csv", "/public/institutions/export.json"]


def public_urls() -> list[str]:
    from supervision.publicity.registry import public_datasets

    urls = [
        "/" + route
        for route, _cb in patterns()
        if route.startswith("public/") and "<" not in route and not route.startswith("public/manage/")
    ]
    for key in public_datasets():
        urls += [f"/public/api/{key}.csv", f"/public/api/{key}.json"]
    return urls


@pytest.fixture
def public_client(client, settings):
    """An anonymous visitor, neither cached nor throttled (hundreds of requests)."""
    client.raise_request_exception = False
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "public": "100000/min"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    return client


def test_public_lists_answer_bad_query_input_with_400(demo, public_client):
    from institutions.models import Institution
    from institutions.public import PublicDirectoryFilter

    code = Institution.objects.exclude(credit_code=None).values_list("credit_code", flat=True).first()
    urls = [*public_urls(), f"/public/institutions/{code}/", f"/public/credit/status/{code}/"]
    assert len(urls) >= 15, urls
    assert set(DIRECTORY) <= set(urls)
    queries = list(ALWAYS) + [{"q": LONG}] + [{"since": d} for d in BAD_DATES]
    queries += [{param: NUL} for param in PUBLIC_PARAMS + PUBLIC_NUMBERS]
    queries += [{param: n} for param in PUBLIC_NUMBERS for n in BAD_NUMBERS[:2]]
    failures: list[str] = []
    for url in urls:
        for query in queries + (probes(PublicDirectoryFilter) if url in DIRECTORY else []):
            judge(url, query, public_client.get(url, query), failures)
    assert not failures, "\n".join(failures)


# --- the faults measured before the fix, one by one -------------------------------------------


def test_an_out_of_range_year_is_a_400_on_the_inspection_list_and_api(demo, client):
    client.force_login(User.objects.get(username="yanggu_mz"))
    for year in ("-1", "99999999999"):
        page_ = client.get("/inspections/", {"year": year})
        assert page_.status_code == 400
        assert "年度须在 1900 至 2100 之间" in page_.content.decode()
        assert list(page_.context["object_list"]) == []  # an invalid filter never shows "everything"
        export = client.get("/inspections/", {"year": year, "export": "xlsx"})
        assert export.status_code == 400
    assert client.get("/inspections/", {"year": "2026"}).status_code == 200

    api = APIClient()
    api.force_authenticate(User.objects.get(username="yanggu_mz"))
    for year in ("-1", "99999999999"):
        response = api.get("/api/v1/inspections/", {"year": year})
        assert response.status_code == 400
        assert "年度须在 1900 至 2100 之间" in response.json()["year"][0]
    assert api.get("/api/v1/inspections/", {"year": "2026"}).status_code == 200


def test_a_malformed_page_number_is_a_400(demo, client):
    client.force_login(User.objects.get(username="yanggu_mz"))
    response = client.get("/institutions/", {"page": "abc"})
    assert response.status_code == 400
    assert "页码须为正整数" in response.content.decode()
    api = APIClient()
    api.force_authenticate(User.objects.get(username="yanggu_mz"))
    response = api.get("/api/v1/institutions/", {"page": "abc"})
    assert response.status_code == 400
    assert response.json() == {"page": ["页码须为正整数。"]}


def test_invalid_public_directory_filters_are_a_400(demo, public_client):
    for url in DIRECTORY:
        response = public_client.get(url, {"beds_min": "abc"})
        assert response.status_code == 400, url
        assert "床位数不少于" in response.content.decode(), url


def test_a_nul_byte_is_refused_before_any_view(demo, public_client):
    response = public_client.get("/public/credit/status/", {"code": NUL})
    assert response.status_code == 400
    assert "空字符" in response.content.decode()
    response = public_client.get("/public/institutions/91371521%00/")
    assert response.status_code == 400
    api = APIClient()
    api.force_authenticate(User.objects.get(username="yanggu_mz"))
    response = api.get("/api/v1/institutions/", {"q": NUL})
    assert response.status_code == 400
    assert "空字符" in response.json()["detail"]
