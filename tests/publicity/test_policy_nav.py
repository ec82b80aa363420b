"""The staff menu links policy management only for those who may manage policy pages."""

from __future__ import annotations

import pytest

from tests.factories import AssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_lead_admin_sees_the_policy_management_link(client, world):
    admin = UserFactory(username="yanggu_admin")
    AssignmentFactory(user=admin, department=world.mz, region=world.yanggu, role="admin")
    client.force_login(admin)
    page = client.get("/workbench/").content.decode()
    assert "政策指南管理" in page and "/public/manage/policies/" in page
    assert client.get("/public/manage/policies/").status_code == 200


def test_an_inspector_sees_no_policy_management_link(client, world):
    client.force_login(world.yanggu_xf)
    page = client.get("/workbench/").content.decode()
    assert "政策指南管理" not in page
    assert client.get("/public/manage/policies/").status_code == 404
