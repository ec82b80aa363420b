"""Sessions: 12 hours absolute (30 minutes idle is tests/core/test_login_security.py), the
session id rotated at sign-in, every other session ended by a password change or deactivation."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from supervision.accounts.services import deactivate_user
from supervision.core.models import User

pytestmark = pytest.mark.django_db


def sign_in(client, username: str, password: str) -> None:
    assert client.post(reverse("login"), {"username": username, "password": password}).status_code == 302


def test_a_session_ends_twelve_hours_after_sign_in_however_active(world, client):
    start = timezone.now()
    sign_in(client, "yanggu_mz", world.password)
    minutes = 0
    while minutes < 11 * 60 + 50:  # active every 20 minutes: never idle for 30
        minutes += 20
        with time_machine.travel(start + dt.timedelta(minutes=minutes), tick=False):
            assert client.get(reverse("workbench")).status_code == 200, minutes
    with time_machine.travel(start + dt.timedelta(hours=12, minutes=5), tick=False):
        response = client.get(reverse("workbench"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
        login_page = client.get(response["Location"]).content.decode()
        assert "登录已满 12 小时" in login_page
        assert client.get(reverse("workbench")).status_code == 302


def test_the_session_id_changes_at_sign_in(world, client):
    client.get(reverse("login"))
    client.session.save()  # an anonymous session, as a visitor's browser has one
    session = client.session
    session["probe"] = 1
    session.save()
    before = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    sign_in(client, "yanggu_mz", world.password)
    after = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    assert before and after and before != after


def test_a_password_change_ends_every_other_session(world, client):
    other = Client()
    sign_in(other, "yanggu_mz", world.password)
    sign_in(client, "yanggu_mz", world.password)
    new = "Lanshan-Qiao-2027#"
    client.post(
        "/accounts/password/", {"old_password": world.password, "new_password1": new, "new_password2": new}
    )
    assert client.get(reverse("workbench")).status_code == 200  # the session that changed it
    assert other.get(reverse("workbench")).status_code == 302  # every other one ends


def test_a_password_set_elsewhere_ends_every_session(world, client):
    sign_in(client, "yanggu_mz", world.password)
    user = User.objects.get(pk=world.yanggu_mz.pk)
    user.set_password("Lanshan-Qiao-2027#")
    user.save()
    assert client.get(reverse("workbench")).status_code == 302


def test_deactivation_ends_every_session(world, client, separated_admins):
    sign_in(client, "yanggu_mz", world.password)
    assert client.get(reverse("workbench")).status_code == 200
    deactivate_user(separated_admins["sysadmin"], world.yanggu_mz)
    assert client.get(reverse("workbench")).status_code == 302
