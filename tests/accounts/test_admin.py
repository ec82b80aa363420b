"""Passwords an administrator sets in /admin/ are initial ones: changed at the next sign-in."""

from __future__ import annotations

import pytest

from supervision.core.models import User

pytestmark = pytest.mark.django_db
NEW = "Chushi-Mima-2026!"


def test_a_password_set_in_the_admin_must_be_changed_at_next_sign_in(world, client):
    client.force_login(world.sysadmin)
    response = client.post(
        f"/admin/core/user/{world.yanggu_mz.pk}/password/", {"password1": NEW, "password2": NEW}
    )
    assert response.status_code == 302
    user = User.objects.get(pk=world.yanggu_mz.pk)
    assert user.check_password(NEW) and user.must_change_password


def test_the_admin_refuses_a_weak_password_in_chinese(world, client):
    client.force_login(world.sysadmin)
    response = client.post(
        f"/admin/core/user/{world.yanggu_mz.pk}/password/",
        {"password1": "qwertyuiopas", "password2": "qwertyuiopas"},
    )
    assert response.status_code == 200 and "四类中的 3 类" in response.content.decode()


def test_an_account_created_in_the_admin_starts_with_an_initial_password(world, client):
    client.force_login(world.sysadmin)
    response = client.post(
        "/admin/core/user/add/",
        {
            "username": "new_inspector",
            "password1": NEW,
            "password2": NEW,
            "usable_password": "true",
            "assignments-TOTAL_FORMS": "0",
            "assignments-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.get(username="new_inspector").must_change_password
