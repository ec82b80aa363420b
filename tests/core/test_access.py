"""Login, lockout, session timeout, token auth and the workbench."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from supervision.core.models import SecurityEvent

pytestmark = pytest.mark.django_db


def test_workbench_shows_department_and_jurisdiction_in_chinese(world, client_for):
    response = client_for(world.yanggu_mz).get(reverse("workbench"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "工作台" in body
    assert "民政" in body and "阳谷县" in body and "371521000000" in body


def test_workbench_requires_login(client):
    response = client.get(reverse("workbench"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_is_recorded_with_ip(world, client):
    ok = client.post(
        reverse("login"), {"username": "yanggu_mz", "password": world.password}, REMOTE_ADDR="10.1.2.3"
    )
    assert ok.status_code == 302
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.LOGIN)
    assert event.user == world.yanggu_mz and event.ip_address == "10.1.2.3"


def test_five_failures_lock_the_account_for_fifteen_minutes(world, client):
    for _ in range(5):
        client.post(
            reverse("login"),
            {"username": "yanggu_mz", "password": "wrong-password-1"},
            REMOTE_ADDR="10.9.9.9",
        )
    # Even the right password is refused while locked, from another address too (per user).
    locked = client.post(
        reverse("login"), {"username": "yanggu_mz", "password": world.password}, REMOTE_ADDR="10.0.0.7"
    )
    assert locked.status_code == 429
    assert "锁定" in locked.content.decode()
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOCKOUT).exists()
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOGIN_FAILED).count() >= 5
    assert settings.AXES_COOLOFF_TIME * 60 == 15


def test_session_expires_after_thirty_idle_minutes():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_short_passwords_are_rejected(world):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password("Short-1a", world.yanggu_mz)
    validate_password("Long-enough-pass-2026", world.yanggu_mz)


def test_token_endpoint_returns_token_for_valid_credentials(world, client):
    response = client.post("/api/v1/auth/token/", {"username": "yanggu_mz", "password": world.password})
    assert response.status_code == 200
    token = response.json()["token"]
    api = client.get("/api/v1/regions/", HTTP_AUTHORIZATION=f"Token {token}")
    assert api.status_code == 200


def test_api_rejects_anonymous(client, db):
    assert client.get("/api/v1/regions/").status_code in (401, 403)


def test_openapi_schema_and_docs_are_served_offline(world, client_for):
    c = client_for(world.yanggu_mz)
    schema = c.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/regions/" in schema.content
    docs = c.get("/api/docs/").content.decode()
    assert "http://" not in docs.replace("http://testserver", "") and "https://" not in docs
