"""The API's contract: JSON only, a capped page size, throttles per user and per token,
``Idempotency-Key`` on POSTs, and serializers that name their fields (owner and actor fields
set by the server, nullable relations declared nullable so the schema tells the truth)."""

from __future__ import annotations

import pytest
from rest_framework import serializers
from rest_framework.test import APIClient

from supervision.core.idempotency import IdempotencyRecord
from tests.institutions.test_credit_code import VALID

pytestmark = pytest.mark.django_db


def institution_payload(world, code: str = VALID, name: str = "阳谷县福寿养老院") -> dict:
    return {
        "credit_code": code,
        "name": name,
        "kind": "care_home",
        "nature": "non_profit",
        "registration_authority": "civil_affairs",
        "region": world.yanggu_town.code,
        "address": "阳谷县博济桥街道",
    }


# --- Idempotency-Key -------------------------------------------------------------------------


def test_same_key_same_body_replays_the_first_answer_and_creates_once(world, api_for):
    from institutions.models import Institution

    api = api_for(world.yanggu_mz)
    first = api.post(
        "/api/v1/institutions/", institution_payload(world), format="json", HTTP_IDEMPOTENCY_KEY="k-2026-001"
    )
    assert first.status_code == 201, first.content
    again = api.post(
        "/api/v1/institutions/", institution_payload(world), format="json", HTTP_IDEMPOTENCY_KEY="k-2026-001"
    )
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Institution.objects.filter(credit_code=VALID).count() == 1


def test_same_key_other_body_is_refused_in_chinese(world, api_for):
    api = api_for(world.yanggu_mz)
    api.post(
        "/api/v1/institutions/", institution_payload(world), format="json", HTTP_IDEMPOTENCY_KEY="k-2026-002"
    )
    other = api.post(
        "/api/v1/institutions/",
        institution_payload(world, name="阳谷县另一家养老院"),
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-2026-002",
    )
    assert other.status_code == 422
    assert "已用于另一个请求" in other.json()["detail"]


def test_keys_are_per_user_and_a_failed_request_frees_its_key(world, api_for):
    from institutions.models import Institution

    bad = institution_payload(world, code=VALID[:-1] + ("0" if VALID[-1] != "0" else "1"))
    api = api_for(world.yanggu_mz)
    refused = api.post("/api/v1/institutions/", bad, format="json", HTTP_IDEMPOTENCY_KEY="k-2026-003")
    assert refused.status_code == 400
    assert not IdempotencyRecord.objects.filter(key="k-2026-003").exists()
    # The corrected request may use the same key: nothing was done the first time.
    ok = api.post(
        "/api/v1/institutions/", institution_payload(world), format="json", HTTP_IDEMPOTENCY_KEY="k-2026-003"
    )
    assert ok.status_code == 201, ok.content
    # Another user's identical key is another request (and here refused by that user's rights).
    theirs = api_for(world.dongchangfu_mz).post(
        "/api/v1/institutions/", institution_payload(world), format="json", HTTP_IDEMPOTENCY_KEY="k-2026-003"
    )
    assert theirs.status_code != 201  # judged on its own (out of that user's county)
    assert "Idempotent-Replayed" not in theirs
    assert Institution.objects.filter(credit_code=VALID).count() == 1


def test_a_request_still_running_gets_409(world, api_for):
    api = api_for(world.yanggu_mz)
    first = api.post(
        "/api/v1/institutions/", institution_payload(world), format="json", HTTP_IDEMPOTENCY_KEY="k-2026-004"
    )
    assert first.status_code == 201
    # As if the first request were still being processed (another worker holds the key).
    IdempotencyRecord.objects.filter(key="k-2026-004").update(state=IdempotencyRecord.State.PROCESSING)
    running = api.post(
        "/api/v1/institutions/", institution_payload(world), format="json", HTTP_IDEMPOTENCY_KEY="k-2026-004"
    )
    assert running.status_code == 409
    assert "仍在处理中" in running.json()["detail"]


def test_expired_keys_are_forgotten(world, api_for, settings):
    from datetime import timedelta

    from django.utils import timezone

    api = api_for(world.yanggu_mz)
    api.post(
        "/api/v1/institutions/", institution_payload(world), format="json", HTTP_IDEMPOTENCY_KEY="k-2026-005"
    )
    IdempotencyRecord.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    later = api.post(
        "/api/v1/institutions/",
        institution_payload(world, name="阳谷县另一家养老院"),
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-2026-005",
    )
    assert later.status_code != 422  # a new request, judged on its own (a duplicate code here)
    assert "Idempotent-Replayed" not in later


def test_a_malformed_key_is_400(world, api_for):
    response = api_for(world.yanggu_mz).post(
        "/api/v1/institutions/", institution_payload(world), format="json", HTTP_IDEMPOTENCY_KEY="x" * 300
    )
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()


# --- JSON only, page size, throttles ---------------------------------------------------------


def test_api_speaks_json_only(world, api_for):
    api = api_for(world.yanggu_mz)
    html = api.get("/api/v1/regions/", HTTP_ACCEPT="text/html")
    assert html.status_code == 406
    form = api.post(
        "/api/v1/institutions/", institution_payload(world), format="multipart", HTTP_IDEMPOTENCY_KEY="k-form"
    )
    assert form.status_code == 415


def test_page_size_is_capped(world, api_for, settings):
    from tests.factories import RegionFactory

    for i in range(8):
        RegionFactory(code=f"3715211{i:02d}000", name=f"镇{i}", level=4, parent=world.yanggu)
    settings.API_MAX_PAGE_SIZE = 5
    api = api_for(world.yanggu_mz)
    assert len(api.get("/api/v1/regions/", {"page_size": 3}).json()["results"]) == 3
    assert len(api.get("/api/v1/regions/", {"page_size": 100000}).json()["results"]) == 5
    bad = api.get("/api/v1/regions/", {"page_size": "-1"})
    assert bad.status_code == 400 and "每页条数" in bad.json()["page_size"][0]


def set_rates(settings, **rates: str) -> None:
    merged = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **rates}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": merged}


def obtain_token(client, username: str, password: str) -> str:
    response = client.post(
        "/api/v1/auth/token/", {"username": username, "password": password}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def test_each_token_has_its_own_rate(world, settings, client):
    set_rates(settings, api_user="100/min", api_token="3/min")
    first = APIClient()
    first.credentials(HTTP_AUTHORIZATION=f"Token {obtain_token(client, 'yanggu_mz', world.password)}")
    assert [first.get("/api/v1/domains/").status_code for _ in range(4)] == [200, 200, 200, 429]
    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"Token {obtain_token(client, 'yanggu_xf', world.password)}")
    assert other.get("/api/v1/domains/").status_code == 200  # another token is not affected


def test_each_user_has_a_rate_across_sessions_and_tokens(world, settings, client):
    set_rates(settings, api_user="3/min", api_token="100/min")
    token = APIClient()
    token.credentials(HTTP_AUTHORIZATION=f"Token {obtain_token(client, 'yanggu_mz', world.password)}")
    browser = APIClient()
    browser.force_authenticate(world.yanggu_mz)
    assert [token.get("/api/v1/domains/").status_code for _ in range(2)] == [200, 200]
    assert browser.get("/api/v1/domains/").status_code == 200
    assert browser.get("/api/v1/domains/").status_code == 429  # the user's 3 are used up
    assert token.get("/api/v1/domains/").status_code == 429
    colleague = APIClient()
    colleague.force_authenticate(world.dongchangfu_mz)
    assert colleague.get("/api/v1/domains/").status_code == 200


# --- Serializers -----------------------------------------------------------------------------

# Names of fields that record who acted, whatever they point at (a user, a name, an id).
ACTOR_NAMES = ("by", "actor", "author", "owner", "created_by", "uploaded_by", "recorded_by", "decided_by")


def api_serializers() -> list[type[serializers.Serializer]]:
    from supervision.urls import router

    found: list[type[serializers.Serializer]] = []

    def walk(cls: type) -> None:
        if cls in found:
            return
        found.append(cls)
        for field in cls().fields.values():
            inner = getattr(field, "child", None) or field
            if isinstance(inner, serializers.BaseSerializer) and not isinstance(
                inner, serializers.ListSerializer
            ):
                walk(type(inner))

    for _prefix, viewset, _basename in router.registry:
        if getattr(viewset, "serializer_class", None):
            walk(viewset.serializer_class)
    return found


def test_serializers_name_their_fields():
    found = api_serializers()
    assert len(found) >= 15
    for cls in found:
        meta = getattr(cls, "Meta", None)
        if meta is None or not hasattr(meta, "model"):
            continue
        assert isinstance(getattr(meta, "fields", None), (list, tuple)), f"{cls.__name__}: list the fields"
        assert not hasattr(meta, "exclude"), f"{cls.__name__}: name fields instead of excluding"


def test_owner_and_actor_fields_are_set_by_the_server():
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    for cls in api_serializers():
        model = getattr(getattr(cls, "Meta", None), "model", None)
        for name, field in cls().fields.items():
            target = None
            if model is not None and field.source and field.source != "*":
                try:
                    target = model._meta.get_field(field.source.split(".")[0])
                except Exception:
                    target = None
            points_at_user = target is not None and getattr(target, "related_model", None) is user_model
            if points_at_user or name in ACTOR_NAMES:
                assert field.read_only, f"{cls.__name__}.{name} names a person: the server sets it"


def test_nullable_relations_are_declared_nullable():
    """A value read through a nullable foreign key may be null: the field must say so, or the
    published schema promises a string and clients (and schemathesis) break on null."""
    problems = []
    for cls in api_serializers():
        model = getattr(getattr(cls, "Meta", None), "model", None)
        if model is None:
            continue
        for name, field in cls().fields.items():
            if (
                not field.source
                or field.source == "*"
                or isinstance(field, (serializers.ManyRelatedField, serializers.BaseSerializer))
            ):
                continue  # nested lists and many-to-many: an empty list, never null
            if field.default is not serializers.empty and field.default is not None:
                continue  # DRF answers the default when the relation is empty
            current, nullable = model, False
            for part in field.source.split("."):
                try:
                    model_field = current._meta.get_field(part)
                except Exception:
                    break
                if not model_field.concrete:  # a reverse relation: a list, or a 404
                    break
                nullable = nullable or bool(getattr(model_field, "null", False))
                current = getattr(model_field, "related_model", None) or current
            else:
                if nullable and not field.allow_null:
                    problems.append(f"{cls.__module__}.{cls.__name__}.{name} ({field.source})")
    assert problems == [], problems
