"""Two-factor sign-in (TOTP): off by default, enrolment with a QR code, the code asked at
sign-in, and required for administrators where ``TWO_FACTOR=admins``."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from supervision.core.models import Assignment, Role

from .conftest import TOKEN_URL

pytestmark = pytest.mark.django_db
ENROL = "/accounts/two-factor/"
VERIFY = "/accounts/two-factor/verify/"


def code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def sign_in(client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def enrol(client) -> TOTPDevice:
    page = client.get(ENROL)
    assert page.status_code == 200
    body = page.content.decode()
    assert "<svg" in body and "密钥" in body and "扫描" in body
    device = TOTPDevice.objects.get(confirmed=False)
    wrong = client.post(ENROL, {"token": "000000" if code(device) != "000000" else "111111"})
    assert "动态码不正确" in wrong.content.decode()
    device.refresh_from_db()
    device.throttle_reset()  # django-otp slows retries after a wrong code (1 s, 2 s, 4 s …)
    assert client.post(ENROL, {"token": code(device)}).status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    return device


def test_off_by_default(world, client, settings):
    assert settings.TWO_FACTOR == "off"
    client.force_login(world.sysadmin)
    assert client.get(reverse("workbench")).status_code == 200
    assert "未启用两步验证" in client.get(ENROL).content.decode()


def test_enrolment_then_the_code_is_asked_at_every_sign_in(world, client, settings):
    settings.TWO_FACTOR = "optional"
    sign_in(client, "yanggu_mz", world.password)
    assert client.get(reverse("workbench")).status_code == 200  # optional: not required
    device = enrol(client)
    assert device.user == world.yanggu_mz
    client.post(reverse("logout"))
    sign_in(client, "yanggu_mz", world.password)
    held = client.get(reverse("workbench"))
    assert held.status_code == 302 and held["Location"].startswith(VERIFY)
    assert client.get("/api/v1/regions/").status_code == 403
    refused = client.post(VERIFY, {"token": "12345x"})
    assert "6 位数字" in refused.content.decode()
    device.refresh_from_db()
    device.throttle_reset()
    # A code is good once: the enrolment's code cannot be replayed; the next one is asked.
    assert client.post(VERIFY, {"token": code(device)}).status_code == 200
    device.refresh_from_db()
    device.throttle_reset()
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=31), tick=False):
        answer = client.post(VERIFY, {"token": code(device), "next": "/regions/"})
        assert answer.status_code == 302 and answer["Location"] == "/regions/"
        assert client.get(reverse("workbench")).status_code == 200


def test_required_for_administrators_when_enabled(world, client, settings, separated_admins):
    settings.TWO_FACTOR = "admins"
    sign_in(client, "sec_admin", world.password)
    held = client.get(reverse("workbench"))
    assert held.status_code == 302 and held["Location"].startswith(ENROL)
    assert "管理员账户须启用两步验证" in client.get(ENROL).content.decode()
    enrol(client)
    assert client.get(reverse("workbench")).status_code == 200
    # an administrator cannot switch it off
    client.post("/accounts/two-factor/disable/")
    assert TOTPDevice.objects.filter(user=separated_admins["secadmin"], confirmed=True).exists()


def test_a_business_admin_post_counts_as_administrator(world, client, settings):
    settings.TWO_FACTOR = "admins"
    Assignment.objects.create(
        user=world.yanggu_leader, department=world.mz, region=world.yanggu, role=Role.ADMIN
    )
    sign_in(client, "yanggu_leader", world.password)
    assert client.get(reverse("workbench"))["Location"].startswith(ENROL)


def test_not_required_for_inspectors_when_admins_only(world, client, settings):
    settings.TWO_FACTOR = "admins"
    sign_in(client, "yanggu_mz", world.password)
    assert client.get(reverse("workbench")).status_code == 200


def test_the_token_endpoint_asks_for_the_code(world, client, settings):
    settings.TWO_FACTOR = "optional"
    device = TOTPDevice.objects.create(user=world.yanggu_mz, name="验证器", confirmed=True)
    credentials = {"username": "yanggu_mz", "password": world.password}
    refused = client.post(TOKEN_URL, credentials)
    assert refused.status_code == 403 and "otp" in refused.json()["detail"]
    assert client.post(TOKEN_URL, {**credentials, "otp": code(device)}).status_code == 200


def test_the_security_administrator_resets_a_lost_phone(world, separated_admins):
    from supervision.accounts.services import reset_two_factor
    from supervision.core.policy import Denied

    TOTPDevice.objects.create(user=world.yanggu_mz, name="验证器", confirmed=True)
    with pytest.raises(Denied):
        reset_two_factor(separated_admins["auditadmin"], world.yanggu_mz)
    assert reset_two_factor(separated_admins["secadmin"], world.yanggu_mz) == 1
    assert not TOTPDevice.objects.filter(user=world.yanggu_mz).exists()
