"""API tokens (django-rest-knox): expiry, a new token per sign-in, revocation on logout,
password change and deactivation, the user's own list, and token sign-ins logged."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken

from supervision.accounts.services import deactivate_user
from supervision.core.models import SecurityEvent, User

from .conftest import TOKEN_URL, get_token

pytestmark = pytest.mark.django_db
REGIONS = "/api/v1/regions/"


def call(client, token: str, url: str = REGIONS, method: str = "get"):
    return getattr(client, method)(url, HTTP_AUTHORIZATION=f"Token {token}")


def test_a_token_works_and_is_stored_only_as_a_digest(world, client):
    token = get_token(client, "yanggu_mz", world.password)
    assert call(client, token).status_code == 200
    row = AuthToken.objects.get(user=world.yanggu_mz)
    assert token not in (row.digest, row.token_key) and token.startswith(row.token_key)


def test_a_token_expires(world, client, settings):
    token = get_token(client, "yanggu_mz", world.password)
    with time_machine.travel(timezone.now() + dt.timedelta(hours=9, minutes=59), tick=False):
        assert call(client, token).status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(hours=10, minutes=1), tick=False):
        refused = call(client, token)
    assert refused.status_code == 401 and refused["WWW-Authenticate"] == "Token"
    assert "令牌无效或已过期" in refused.json()["detail"]


def test_a_three_year_old_token_no_longer_works(world, client):
    with time_machine.travel(timezone.now() - dt.timedelta(days=3 * 365), tick=False):
        token = get_token(client, "yanggu_mz", world.password)
    assert call(client, token).status_code == 401


def test_each_sign_in_gives_a_new_token_and_keeps_only_the_newest(world, client, settings):
    settings.API_TOKENS_PER_USER = 2
    first = get_token(client, "yanggu_mz", world.password)
    second = get_token(client, "yanggu_mz", world.password)
    assert first != second
    third = get_token(client, "yanggu_mz", world.password)
    assert call(client, first).status_code == 401  # the oldest beyond two is revoked
    assert call(client, second).status_code == 200 and call(client, third).status_code == 200


def test_a_token_sign_in_is_logged_as_a_sign_in(world, client):
    get_token(client, "yanggu_mz", world.password, ip="10.5.5.5")
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.LOGIN, user=world.yanggu_mz)
    assert event.detail == "API 令牌" and event.ip_address == "10.5.5.5"


def test_api_logout_revokes_the_token(world, client):
    token = get_token(client, "yanggu_mz", world.password)
    other = get_token(client, "yanggu_mz", world.password)
    assert call(client, token, "/api/v1/auth/logout/", "post").status_code == 204
    assert call(client, token).status_code == 401
    assert call(client, other).status_code == 200
    assert call(client, other, "/api/v1/auth/logout-all/", "post").status_code == 204
    assert call(client, other).status_code == 401


def test_signing_out_of_the_web_revokes_the_tokens(world, client):
    token = get_token(client, "yanggu_mz", world.password)
    client.post(reverse("login"), {"username": "yanggu_mz", "password": world.password})
    client.post(reverse("logout"))
    assert call(client, token).status_code == 401


def test_a_password_change_revokes_every_token(world, client):
    token = get_token(client, "yanggu_mz", world.password)
    user = User.objects.get(pk=world.yanggu_mz.pk)
    user.set_password("Lanshan-Qiao-2027#")
    user.save()
    assert call(client, token).status_code == 401


def test_the_change_page_revokes_every_token(world, client):
    token = get_token(client, "yanggu_mz", world.password)
    client.force_login(world.yanggu_mz)
    client.post(
        "/accounts/password/",
        {
            "old_password": world.password,
            "new_password1": "Lanshan-Qiao-2027#",
            "new_password2": "Lanshan-Qiao-2027#",
        },
    )
    assert not AuthToken.objects.filter(user=world.yanggu_mz).exists()
    assert call(client, token).status_code == 401


def test_deactivation_revokes_every_token(world, client, separated_admins):
    token = get_token(client, "yanggu_mz", world.password)
    deactivate_user(separated_admins["sysadmin"], world.yanggu_mz)
    assert not AuthToken.objects.filter(user=world.yanggu_mz).exists()
    assert call(client, token).status_code == 401


def test_deactivation_in_the_admin_revokes_every_token(world, client):
    token = get_token(client, "yanggu_mz", world.password)
    user = User.objects.get(pk=world.yanggu_mz.pk)
    user.is_active = False
    user.save()
    assert call(client, token).status_code == 401


def test_a_user_lists_and_revokes_only_their_own_tokens(world, client):
    mine = get_token(client, "yanggu_mz", world.password)
    theirs = get_token(client, "dongchangfu_mz", world.password)
    listed = call(client, mine, "/api/v1/auth/tokens/").json()
    assert [t["token_key"] for t in listed] == [mine[:15]] and listed[0]["current"] is True
    assert "digest" not in listed[0] and mine not in str(listed)
    # someone else's token is not found, and stays valid
    assert call(client, mine, f"/api/v1/auth/tokens/{theirs[:15]}/", "delete").status_code == 404
    assert call(client, theirs).status_code == 200
    assert call(client, mine, f"/api/v1/auth/tokens/{mine[:15]}/", "delete").status_code == 204
    assert call(client, mine).status_code == 401


def test_the_tokens_page_lists_and_revokes(world, client):
    token = get_token(client, "yanggu_mz", world.password)
    get_token(client, "dongchangfu_mz", world.password)
    client.force_login(world.yanggu_mz)
    page = client.get("/accounts/tokens/").content.decode()
    assert token[:15] in page and "撤销" in page
    assert AuthToken.objects.get(user=world.yanggu_mz).token_key in page
    assert AuthToken.objects.get(user=world.dongchangfu_mz).token_key not in page
    response = client.post("/accounts/tokens/revoke/", {"token_key": token[:15]})
    assert response.status_code == 302
    assert call(client, token).status_code == 401
    assert AuthToken.objects.filter(user=world.dongchangfu_mz).exists()


def test_the_api_answers_401_with_the_token_challenge(world, client):
    refused = client.get(REGIONS, HTTP_AUTHORIZATION="Token not-a-token")
    assert refused.status_code == 401 and refused["WWW-Authenticate"] == "Token"
    anonymous = client.get(REGIONS)
    assert anonymous.status_code == 401 and anonymous["WWW-Authenticate"] == "Token"


def test_a_user_with_an_initial_password_gets_no_token(world, client):
    User.objects.filter(pk=world.yanggu_mz.pk).update(must_change_password=True)
    response = client.post(TOKEN_URL, {"username": "yanggu_mz", "password": world.password})
    assert response.status_code == 403 and "修改密码" in response.json()["detail"]


def test_the_token_lists_take_the_same_queries_for_one_token_or_three(world, client, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.API_TOKENS_PER_USER = 5

    from django.test import Client

    browser = Client()  # signing out would revoke the tokens: a separate client for the page
    browser.force_login(world.yanggu_mz)

    def counts(token: str) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as page:
            assert browser.get("/accounts/tokens/").status_code == 200
        with CaptureQueriesContext(connection) as api:
            assert call(client, token, "/api/v1/auth/tokens/").status_code == 200
        return len(page), len(api)

    token = get_token(client, "yanggu_mz", world.password)
    one = counts(token)
    token = get_token(client, "yanggu_mz", world.password)
    get_token(client, "yanggu_mz", world.password)
    token = get_token(client, "yanggu_mz", world.password)
    assert counts(token) == one
