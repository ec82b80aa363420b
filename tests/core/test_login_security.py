"""Login security as behaviour, not settings: the axes lockout per user (per address only at a
much higher threshold: tests/accounts/test_lockout.py) with its 15-minute cool-off, the
30-minute idle timeout renewed by activity, passwords of at least 12 characters (Chinese
messages), and the API token endpoint under the same lockout."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from supervision.core.api import LOCKED_OUT
from supervision.core.models import SecurityEvent

pytestmark = pytest.mark.django_db
TOKEN = "/api/v1/auth/token/"


def fail_login(client, username: str, ip: str, times: int = 1) -> None:
    for _ in range(times):
        response = client.post(
            reverse("login"), {"username": username, "password": "wrong-password-1"}, REMOTE_ADDR=ip
        )
        assert response.status_code in (200, 429)


def login(client, username: str, password: str, ip: str):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def age_attempts(minutes: int) -> None:
    """Pretend the recorded failures happened ``minutes`` ago."""
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=minutes))


def test_four_failures_do_not_lock(world, client):
    fail_login(client, "yanggu_mz", "10.9.9.9", times=4)
    assert login(client, "yanggu_mz", world.password, "10.9.9.9").status_code == 302


def test_the_fifth_failure_locks_the_user_from_every_address(world, client):
    fail_login(client, "yanggu_mz", "10.9.9.9", times=5)
    locked = login(client, "yanggu_mz", world.password, "10.0.0.7")
    assert locked.status_code == 429
    assert "请在 15 分钟后再试" in locked.content.decode()
    lockout = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOCKOUT).order_by("pk").first()
    assert lockout is not None
    assert lockout.username == "yanggu_mz" and lockout.ip_address == "10.9.9.9"
    assert (
        SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOGIN_FAILED, ip_address="10.9.9.9").count() == 5
    )


def test_five_failures_from_an_address_do_not_lock_the_colleagues_behind_it(world, client):
    # An office shares one address: the address locks only at AXES_IP_FAILURE_LIMIT (50),
    # see tests/accounts/test_lockout.py.
    for n in range(5):
        fail_login(client, f"guess{n}", "10.6.6.6")
    assert login(client, "dongchangfu_mz", world.password, "10.6.6.6").status_code == 302


def test_the_lock_lasts_fifteen_minutes(world, client):
    fail_login(client, "yanggu_mz", "10.9.9.9", times=5)
    age_attempts(14)
    assert login(client, "yanggu_mz", world.password, "10.9.9.9").status_code == 429
    age_attempts(16)
    assert login(client, "yanggu_mz", world.password, "10.9.9.9").status_code == 302


def test_a_wrong_password_shows_a_chinese_message(world, client):
    response = login(client, "yanggu_mz", "not-the-password", "10.1.1.1")
    assert response.status_code == 200
    assert "请输入一个正确的用户名和密码" in response.content.decode()


# --- idle timeout -----------------------------------------------------------------------------


@pytest.fixture
def clock(monkeypatch):
    """Move Django's clock (sessions read ``timezone.now``) forward by hand."""
    real_now = timezone.now
    offset = [dt.timedelta(0)]
    monkeypatch.setattr(timezone, "now", lambda: real_now() + offset[0])

    def advance(minutes: float) -> None:
        offset[0] += dt.timedelta(minutes=minutes)

    return advance


def test_a_session_idle_for_thirty_minutes_ends(world, client, clock):
    assert login(client, "yanggu_mz", world.password, "10.1.1.1").status_code == 302
    assert client.get(reverse("workbench")).status_code == 200
    clock(31)
    response = client.get(reverse("workbench"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_activity_renews_the_session(world, client, clock):
    assert login(client, "yanggu_mz", world.password, "10.1.1.1").status_code == 302
    for _ in range(3):  # 87 minutes in all, never 30 idle
        clock(29)
        assert client.get(reverse("workbench")).status_code == 200


# --- passwords -----------------------------------------------------------------------------------


def test_passwords_need_twelve_characters_with_a_chinese_message(world):
    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as excinfo:
            validate_password("Abcdefg-123", world.yanggu_mz)  # 11 characters
        messages = excinfo.value.messages
    assert any("密码太短：至少需要 12 个字符" in message for message in messages), messages
    validate_password("Abcdefg-1234", world.yanggu_mz)  # 12 characters


def test_the_admin_refuses_a_short_password(world, client):
    client.force_login(world.sysadmin)
    response = client.post(
        f"/admin/core/user/{world.yanggu_mz.pk}/password/",
        {"password1": "Abcdefg-123", "password2": "Abcdefg-123"},
    )
    assert response.status_code == 200
    assert "密码太短：至少需要 12 个字符" in response.content.decode()
    world.yanggu_mz.refresh_from_db()
    assert world.yanggu_mz.check_password(world.password)


# --- API token ------------------------------------------------------------------------------------


def test_token_for_valid_credentials_authenticates_the_api(world, client):
    response = client.post(
        TOKEN, {"username": "yanggu_mz", "password": world.password}, REMOTE_ADDR="10.1.1.1"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert client.get("/api/v1/regions/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200
    refused = client.get("/api/v1/regions/", HTTP_AUTHORIZATION="Token not-a-token")
    assert refused.status_code == 401 and refused["WWW-Authenticate"] == "Token"
    assert client.get("/api/v1/regions/").status_code == 401


def test_token_refused_in_chinese_for_bad_credentials(world, client):
    response = client.post(
        TOKEN, {"username": "yanggu_mz", "password": "wrong-password-1"}, REMOTE_ADDR="10.1.1.1"
    )
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["无法使用提供的认证信息登录。"]}


def test_token_endpoint_is_under_the_same_lockout(world, client):
    for _ in range(5):
        client.post(TOKEN, {"username": "yanggu_mz", "password": "wrong-password-1"}, REMOTE_ADDR="10.2.2.2")
    response = client.post(
        TOKEN, {"username": "yanggu_mz", "password": world.password}, REMOTE_ADDR="10.3.3.3"
    )
    assert response.status_code == 429
    assert response.json()["detail"].startswith(LOCKED_OUT) and "分钟后再试" in response.json()["detail"]
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOCKOUT, username="yanggu_mz").exists()
    assert login(client, "yanggu_mz", world.password, "10.3.3.3").status_code == 429
