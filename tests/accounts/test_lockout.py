"""Lockout: per user name first (5 failures), per address only at a much higher threshold
(50), audited, with a Chinese message that says how long is left (page and API)."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from supervision.accounts.lockout import client_ip
from supervision.core.models import SecurityEvent

from .conftest import TOKEN_URL

pytestmark = pytest.mark.django_db
OFFICE = "10.20.30.40"  # one county bureau's shared NAT address


def attempt(client, username: str, password: str, ip: str = OFFICE):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_one_users_failures_do_not_lock_a_colleague_behind_the_same_address(world, client):
    for _ in range(5):
        attempt(client, "yanggu_mz", "wrong-password-1")
    assert attempt(client, "yanggu_mz", world.password).status_code == 429
    assert attempt(client, "yanggu_leader", world.password).status_code == 302


def test_the_address_locks_only_at_the_higher_threshold(world, client, settings):
    assert settings.AXES_IP_FAILURE_LIMIT == 50
    for n in range(49):  # password spraying: many user names, few tries each
        attempt(client, f"guess{n % 20}", "wrong-password-1")
    assert attempt(client, "yanggu_leader", world.password).status_code == 302
    client.post(reverse("logout"))
    attempt(client, "guess-last", "wrong-password-1")  # the 50th failure from the address
    locked = attempt(client, "yanggu_leader", world.password)
    assert locked.status_code == 429
    assert "该地址已被暂时锁定" in locked.content.decode()
    assert attempt(client, "yanggu_leader", world.password, ip="10.99.0.1").status_code == 302


def test_the_lockout_says_how_long_is_left_in_chinese(world, client):
    for _ in range(5):
        attempt(client, "yanggu_mz", "wrong-password-1")
    body = attempt(client, "yanggu_mz", world.password).content.decode()
    assert "该账户已被暂时锁定" in body and "请在 15 分钟后再试" in body
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=11, seconds=30))
    body = attempt(client, "yanggu_mz", world.password).content.decode()
    # the failed try just now restarts the cool-off (axes' default): still 15 minutes
    assert "请在 15 分钟后再试" in body or "请在 4 分钟后再试" in body


def test_the_time_left_counts_down(world, client):
    from django.test import RequestFactory

    from supervision.accounts.lockout import lockout_message

    for _ in range(5):
        attempt(client, "yanggu_mz", "wrong-password-1")
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=11, seconds=30))
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR=OFFICE)
    request.axes_lock_reason = "user"
    assert "请在 4 分钟后再试" in lockout_message(request, {"username": "yanggu_mz"})


def test_a_lockout_is_an_audited_event(world, client):
    for _ in range(5):
        attempt(client, "yanggu_mz", "wrong-password-1")
    event = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOCKOUT, username="yanggu_mz").first()
    assert event is not None and event.ip_address == OFFICE


def test_the_api_answers_429_in_chinese_with_the_time_left(world, client):
    for _ in range(5):
        client.post(TOKEN_URL, {"username": "yanggu_mz", "password": "wrong-password-1"}, REMOTE_ADDR=OFFICE)
    response = client.post(
        TOKEN_URL, {"username": "yanggu_mz", "password": world.password}, REMOTE_ADDR=OFFICE
    )
    assert response.status_code == 429
    assert "请在 15 分钟后再试" in response.json()["detail"]


def test_the_client_address_behind_a_trusted_proxy(rf, settings):
    request = rf.get("/", REMOTE_ADDR="172.16.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 10.20.30.40")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "172.16.0.2"  # no proxy trusted: the header is the client's to invent
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "10.20.30.40"  # what our one proxy saw, not what the client wrote
