"""Fixtures of the identity tests: the 三员 personas and a token helper."""

from __future__ import annotations

import pytest

from supervision.core.models import Assignment, Role
from tests.factories import UserFactory

TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture
def separated_admins(world):
    """One system, one security and one audit administrator at the province's civil affairs."""

    def admin(username: str, role: str):
        user = UserFactory(username=username, display_name=username)
        Assignment.objects.create(user=user, department=world.mz, region=world.shandong, role=role)
        return user

    return {
        "sysadmin": admin("sys_admin", Role.SYSADMIN),
        "secadmin": admin("sec_admin", Role.SECADMIN),
        "auditadmin": admin("audit_admin", Role.AUDITADMIN),
    }


def get_token(client, username: str, password: str, ip: str = "10.1.1.1", **extra) -> str:
    response = client.post(TOKEN_URL, {"username": username, "password": password, **extra}, REMOTE_ADDR=ip)
    assert response.status_code == 200, response.content
    return response.json()["token"]
