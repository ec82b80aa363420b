"""Password rules and the change page: weak passwords refused in Chinese, the page works as a
browser posts it, an initial password forces a change, the optional expiry."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from supervision.accounts.services import set_initial_password
from supervision.core.models import SecurityEvent, User

pytestmark = pytest.mark.django_db
CHANGE = "/accounts/password/"
STRONG = "Lanshan-Qiao-2027#"


def refusal(password: str, user) -> list[str]:
    with translation.override("zh-hans"), pytest.raises(ValidationError) as excinfo:
        validate_password(password, user)
    return excinfo.value.messages


@pytest.mark.parametrize("weak", ["aaaaaaaaaaaa", "qwertyuiopas", "adminadmin12"])
def test_the_weak_passwords_of_the_issue_are_refused_in_chinese(world, weak):
    user = User(username="admin", display_name="管理员")
    messages = refusal(weak, user)
    assert messages, weak
    for message in messages:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message  # Chinese, not English
    assert any("四类中的 3 类" in m for m in messages), messages


def test_each_rule_has_its_own_chinese_message(world):
    user = world.yanggu_mz
    assert any("至少需要 12 个字符" in m for m in refusal("Ab1-short", user))
    assert any("四类中的 3 类" in m for m in refusal("abcdefghijkl", user))
    assert any("太常见" in m for m in refusal("Password1234", user) + refusal("password1234", user))
    assert any("全部是数字" in m for m in refusal("394857203948", user))
    assert any("太相似" in m for m in refusal("Yanggu_mz-2026", user))


def test_a_strong_password_passes(world):
    validate_password(STRONG, world.yanggu_mz)


def test_the_user_menu_links_to_the_change_page(world, client_for):
    body = client_for(world.yanggu_mz).get(reverse("workbench")).content.decode()
    assert f'href="{CHANGE}"' in body and "修改密码" in body


def test_the_change_page_changes_the_password_and_keeps_this_session(world, client):
    client.post(reverse("login"), {"username": "yanggu_mz", "password": world.password})
    page = client.get(CHANGE)
    assert page.status_code == 200 and "当前密码" in page.content.decode()
    response = client.post(
        CHANGE, {"old_password": world.password, "new_password1": STRONG, "new_password2": STRONG}
    )
    assert response.status_code == 302 and response["Location"] == reverse("workbench")
    user = User.objects.get(pk=world.yanggu_mz.pk)
    assert user.check_password(STRONG)
    assert user.password_changed_at is not None
    assert client.get(reverse("workbench")).status_code == 200  # this session stays signed in
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.PASSWORD_CHANGED, user=user).exists()


def test_the_change_page_refuses_a_wrong_current_password_and_a_weak_one(world, client_for):
    client = client_for(world.yanggu_mz)
    wrong = client.post(CHANGE, {"old_password": "nope", "new_password1": STRONG, "new_password2": STRONG})
    assert wrong.status_code == 200 and "当前密码不正确" in wrong.content.decode()
    weak = client.post(
        CHANGE,
        {"old_password": world.password, "new_password1": "qwertyuiopas", "new_password2": "qwertyuiopas"},
    )
    assert weak.status_code == 200 and "四类中的 3 类" in weak.content.decode()
    same = client.post(
        CHANGE,
        {"old_password": world.password, "new_password1": world.password, "new_password2": world.password},
    )
    assert "新密码不能与当前密码相同" in same.content.decode()
    assert User.objects.get(pk=world.yanggu_mz.pk).check_password(world.password)


def test_an_initial_password_forces_a_change_before_anything_else(world, client, separated_admins):
    set_initial_password(separated_admins["sysadmin"], world.yanggu_mz, "Chushi-Mima-2026!")
    assert (
        client.post(reverse("login"), {"username": "yanggu_mz", "password": "Chushi-Mima-2026!"}).status_code
        == 302
    )
    for url in (reverse("workbench"), "/institutions/", "/api/v1/regions/"):
        response = client.get(url)
        if url.startswith("/api/"):
            assert response.status_code == 403 and "修改密码" in response.json()["detail"]
        else:
            assert response.status_code == 302 and response["Location"].startswith(CHANGE), url
    page = client.get(CHANGE)
    assert "初始密码" in page.content.decode()
    client.post(
        CHANGE, {"old_password": "Chushi-Mima-2026!", "new_password1": STRONG, "new_password2": STRONG}
    )
    assert client.get(reverse("workbench")).status_code == 200
    assert not User.objects.get(pk=world.yanggu_mz.pk).must_change_password


def test_only_the_system_administrator_sets_initial_passwords(world, separated_admins):
    from supervision.core.policy import Denied

    for who in (separated_admins["secadmin"], separated_admins["auditadmin"], world.yanggu_leader):
        with pytest.raises(Denied):
            set_initial_password(who, world.yanggu_mz, "Chushi-Mima-2026!")


def test_expiry_is_off_by_default(world, client_for, settings):
    assert settings.PASSWORD_EXPIRY_DAYS == 0
    User.objects.filter(pk=world.yanggu_mz.pk).update(
        password_changed_at=timezone.now() - dt.timedelta(days=3000)
    )
    assert client_for(world.yanggu_mz).get(reverse("workbench")).status_code == 200


def test_an_expired_password_sends_its_user_to_the_change_page(world, client, settings):
    settings.PASSWORD_EXPIRY_DAYS = 90
    client.post(reverse("login"), {"username": "yanggu_mz", "password": world.password})
    assert client.get(reverse("workbench")).status_code == 200  # changed today (the factory)
    with time_machine.travel(timezone.now() + dt.timedelta(days=91), tick=False):
        client.post(reverse("login"), {"username": "yanggu_mz", "password": world.password})
        response = client.get(reverse("workbench"))
        assert response.status_code == 302 and response["Location"].startswith(CHANGE)
        assert "已到期" in client.get(CHANGE).content.decode()
