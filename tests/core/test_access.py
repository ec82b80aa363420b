"""The workbench, login records, the API's refusal of anonymous requests and the offline
API docs. Lockout, idle timeout, passwords and tokens: test_login_security.py."""

from __future__ import annotations

import pytest
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


def test_api_rejects_anonymous(client, db):
    response = client.get("/api/v1/regions/")
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"


def test_openapi_schema_and_docs_are_served_offline(world, client_for):
    c = client_for(world.yanggu_mz)
    schema = c.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/regions/" in schema.content
    docs = c.get("/api/docs/").content.decode()
    assert "http://" not in docs.replace("http://testserver", "") and "https://" not in docs
