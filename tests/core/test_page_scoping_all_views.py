"""Generated permission test for the staff HTML pages: every list page built on
``ScopedListView`` shows an account without a post nothing (page and Excel export), shows each
persona only rows ``visible_to`` it, and every ``ScopedDetailView`` answers 404 for an object
outside the persona's scope."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from openpyxl import load_workbook

from supervision.core.models import SecurityEvent, User
from supervision.core.web import ScopedDetailView, ScopedListView

pytestmark = pytest.mark.django_db
PERSONAS = ["yanggu_mz", "dongchangfu_mz", "yanggu_xf", "bojiqiao_mz"]
# Reference data shown to every signed-in user (the published item list).
REFERENCE_MODELS = {"InspectionItem"}


def patterns(resolver: URLResolver | None = None, prefix: str = "") -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for p in (resolver or get_resolver()).url_patterns:
        if isinstance(p, URLResolver):
            out += patterns(p, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            view_class = getattr(p.callback, "view_class", None)
            if view_class is not None:
                out.append((prefix + str(p.pattern), view_class))
    return out


def plain(route: str) -> bool:
    return "<" not in route and "(?P" not in route


@pytest.fixture
def demo(demo_module, db):
    """The demo, seeded once for the module (``demo_module``); each test rolls back its writes."""


def test_list_pages_and_exports_are_scoped(demo, client):
    lists = [
        (r, v)
        for r, v in patterns()
        if issubclass(v, ScopedListView)
        and plain(r)
        and not r.startswith("audit/")
        and getattr(v.model, "__name__", None) not in REFERENCE_MODELS
    ]
    assert len(lists) >= 10, lists
    nobody = User.objects.create(username="nobody")
    for route, view in lists:
        url = "/" + route.lstrip("^").rstrip("$")
        client.force_login(nobody)
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        assert len(response.context["object_list"]) == 0, url
        if view.export_columns:
            export = client.get(url, {"export": "xlsx"})
            assert export.status_code == 200, url
            sheet = load_workbook(BytesIO(export.content), read_only=True).active
            rows = list(sheet.iter_rows(values_only=True))
            assert len(rows) == 1, f"{url} exported rows to an account without a post"
            # Every export is recorded in the audit trail, with who asked and what.
            assert SecurityEvent.objects.filter(
                kind=SecurityEvent.Kind.EXPORT, user=nobody, detail__startswith=view.export_name
            ).exists(), url
        for username in PERSONAS:
            user = User.objects.get(username=username)
            client.force_login(user)
            response = client.get(url)
            assert response.status_code == 200, (url, username, response.status_code)
            objects = list(response.context["object_list"])
            model = view.model or (type(objects[0]) if objects else None)
            if model is None:
                continue
            allowed = set(model.objects.visible_to(user).values_list("pk", flat=True))
            shown = {obj.pk for obj in objects}
            assert shown <= allowed, (url, username, shown - allowed)


def test_detail_pages_answer_404_outside_scope(demo, client):
    details = [
        (r, v)
        for r, v in patterns()
        if issubclass(v, ScopedDetailView) and getattr(v.model, "__name__", None) not in REFERENCE_MODELS
    ]
    assert details
    checked = 0
    for route, view in details:
        if route.count("<") != 1:
            continue
        name = route.split("<", 1)[1].split(">", 1)[0].split(":")[-1]
        field = {"pk": "pk", "id": "pk"}.get(name, getattr(view, "slug_field", name))
        model = view.model
        for username in PERSONAS:
            user = User.objects.get(username=username)
            hidden = model.objects.exclude(pk__in=model.objects.visible_to(user).values("pk")).first()
            if hidden is None:
                continue
            value = getattr(hidden, field if field != "pk" else "pk")
            url = "/" + route.split("<", 1)[0].lstrip("^") + str(value) + route.split(">", 1)[1].rstrip("$")
            client.force_login(user)
            assert client.get(url).status_code == 404, (url, username)
            checked += 1
    assert checked >= 5, checked
