"""Generated permission test (after NetBox): every API endpoint that exists goes through the
one scoping mechanism. With the demo data loaded, for each persona the list returns only rows
``visible_to`` the persona, an out-of-scope object answers 404, and an account without a post
sees nothing. A new endpoint is covered automatically; an unscoped one must be declared here as
reference data or owner-only, or this test fails."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from supervision.core.models import User
from supervision.urls import router

pytestmark = pytest.mark.django_db

# Public reference data (codes, the responsibility matrix, rules, the item list) — no scoping.
REFERENCE = {"regions", "departments", "domains", "deadline-rules", "inspection-items"}
# Computed, not rows: each value is counted over what the caller may see (tests/indicators).
COMPUTED = {"indicators"}
# Rows that belong to the requesting user only.
OWNER_ONLY = {"notifications"}
PERSONAS = ["yanggu_mz", "dongchangfu_mz", "yanggu_xf", "yanggu_sj", "bojiqiao_mz"]


def list_all(api: APIClient, url: str, key: str) -> set[str]:
    found: set[str] = set()
    while url:
        response = api.get(url)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        body = response.json()
        rows = body["results"] if isinstance(body, dict) and "results" in body else body
        found.update(str(row[key]) for row in rows)
        url = body.get("next") if isinstance(body, dict) else None
    return found


def key_field(viewset: Any, serializer_fields: set[str]) -> str:
    lookup = getattr(viewset, "lookup_field", "pk")
    if lookup in serializer_fields:
        return lookup
    return "id" if "id" in serializer_fields else lookup


@pytest.fixture
def demo(demo_module, db):
    """The demo site, seeded once for this module (``demo_module``)."""


def test_every_endpoint_is_scoped_for_every_persona(demo):
    checked = 0
    for prefix, viewset, _basename in router.registry:
        if prefix in REFERENCE or prefix in OWNER_ONLY or prefix in COMPUTED:
            continue
        model = viewset.queryset.model
        assert hasattr(model, "scope"), f"/api/v1/{prefix}/ serves {model.__name__}, which has no scope"
        lookup = getattr(viewset, "lookup_field", "pk")
        everything = {str(v) for v in model.objects.values_list(lookup, flat=True)}
        for username in PERSONAS:
            user = User.objects.get(username=username)
            api = APIClient()
            api.force_authenticate(user)
            allowed = {str(v) for v in model.objects.visible_to(user).values_list(lookup, flat=True)}
            first = api.get(f"/api/v1/{prefix}/")
            assert first.status_code == 200, (prefix, username, first.status_code)
            body = first.json()
            rows = body["results"] if isinstance(body, dict) and "results" in body else body
            if rows:
                key = key_field(viewset, set(rows[0]))
                listed = list_all(api, f"/api/v1/{prefix}/", key)
                if key == lookup or (key == "id" and lookup == "pk"):
                    assert listed <= allowed, (prefix, username, listed - allowed)
            hidden = sorted(everything - allowed)
            if hidden:
                response = api.get(f"/api/v1/{prefix}/{hidden[0]}/")
                assert response.status_code == 404, (prefix, username, hidden[0], response.status_code)
                checked += 1
        outsider = APIClient()
        outsider.force_authenticate(User.objects.create(username=f"nobody-{prefix}"))
        body = outsider.get(f"/api/v1/{prefix}/").json()
        rows = body["results"] if isinstance(body, dict) and "results" in body else body
        assert rows == [], (prefix, rows[:1])
        if everything:
            assert outsider.get(f"/api/v1/{prefix}/{sorted(everything)[0]}/").status_code == 404, prefix
    assert checked > 20, "the demo data should put objects out of some persona's reach"


def test_owner_only_endpoints_show_only_the_users_rows(demo):
    from supervision.deadlines.models import Notification

    owners = list(Notification.objects.values_list("user_id", flat=True).distinct()[:2])
    for owner in User.objects.filter(pk__in=owners):
        api = APIClient()
        api.force_authenticate(owner)
        ids = list_all(api, "/api/v1/notifications/", "id")
        assert ids == {str(pk) for pk in Notification.objects.filter(user=owner).values_list("pk", flat=True)}


def test_anonymous_requests_are_refused_everywhere(db):
    api = APIClient()
    for prefix, _viewset, _basename in router.registry:
        assert api.get(f"/api/v1/{prefix}/").status_code in (401, 403), prefix
