"""Pages of the 三员: the system administrator opens, deactivates and reactivates accounts (the
initial password shown once); the security administrator grants and ends posts (the 三员 kept
apart), unlocks a locked account and resets two-factor. Anyone else is refused with a reason."""

from __future__ import annotations

import re

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from supervision.core.models import Assignment, Role, SecurityEvent, User
from tests.factories import AssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db
USERS = "/accounts/admin/users/"


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def one_time_password(html: str) -> str:
    match = re.search(r'id="one-time-password">([^<]+)<', html)
    assert match, html
    return match.group(1)


def test_the_system_administrator_creates_an_account_with_a_password_shown_once(world, separated_admins):
    sysadmin = signed_in(separated_admins["sysadmin"])
    response = sysadmin.post(
        f"{USERS}new/", {"username": "yanggu_wang", "display_name": "王五", "phone": "0635-1234567"}
    )
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    html = response.content.decode()
    assert "账户已建立" in html and "只显示这一次" in html
    password = one_time_password(html)
    user = User.objects.get(username="yanggu_wang")
    assert user.display_name == "王五" and user.must_change_password and user.check_password(password)
    assert not user.assignments.exists()  # posts are the security administrator's
    assert LogEntry.objects.get_for_object(user).filter(additional_data__verb="create_account").exists()
    # the password is not on any later page
    assert password not in sysadmin.get(f"{USERS}{user.pk}/").content.decode()
    # the new user signs in with it and is sent to change it first
    fresh = Client()
    signed = fresh.post(reverse("login"), {"username": "yanggu_wang", "password": password})
    assert signed.status_code == 302
    assert "/accounts/password/" in fresh.get("/", follow=False).get("Location", "")


def test_a_taken_user_name_is_refused_in_chinese(world, separated_admins):
    response = signed_in(separated_admins["sysadmin"]).post(
        f"{USERS}new/", {"username": "yanggu_mz", "display_name": "重名"}
    )
    assert response.status_code == 200 and "该用户名已被使用" in response.content.decode()


def test_the_system_administrator_deactivates_and_reactivates_an_account(world, separated_admins):
    sysadmin = signed_in(separated_admins["sysadmin"])
    target = world.yanggu_mz
    detail = sysadmin.get(f"{USERS}{target.pk}/").content.decode()
    assert "data-confirm=" in detail and "确定停用" in detail  # asked before the destructive step
    victim = signed_in(target)
    response = sysadmin.post(f"{USERS}{target.pk}/deactivate/", follow=True)
    assert "已停用" in response.content.decode()
    target.refresh_from_db()
    assert not target.is_active
    assert victim.get("/").status_code == 302  # the session ended
    assert LogEntry.objects.get_for_object(target).filter(additional_data__verb="deactivate").exists()
    sysadmin.post(f"{USERS}{target.pk}/activate/")
    target.refresh_from_db()
    assert target.is_active


def test_the_system_administrator_may_not_grant_posts(world, separated_admins):
    response = signed_in(separated_admins["sysadmin"]).post(
        f"{USERS}{world.outsider.pk}/grant-post/",
        {"department": world.mz.pk, "region": world.yanggu.pk, "role": Role.INSPECTOR},
    )
    assert response.status_code == 403 and "安全管理员" in response.content.decode()
    assert not world.outsider.assignments.exists()


def test_the_security_administrator_grants_and_ends_a_post(world, separated_admins):
    secadmin = signed_in(separated_admins["secadmin"])
    response = secadmin.post(
        f"{USERS}{world.outsider.pk}/grant-post/",
        {"department": world.mz.pk, "region": world.yanggu.pk, "role": Role.INSPECTOR},
        follow=True,
    )
    assert "岗位已分配" in response.content.decode()
    post = Assignment.objects.get(user=world.outsider, active=True)
    assert (post.department, post.region, post.role) == (world.mz, world.yanggu, Role.INSPECTOR)
    assert LogEntry.objects.get_for_object(post).filter(additional_data__verb="grant_post").exists()
    secadmin.post(f"{USERS}{world.outsider.pk}/end-post/", {"post": post.pk})
    post.refresh_from_db()
    assert not post.active


def test_the_security_administrator_may_not_give_one_person_two_separated_roles(world, separated_admins):
    auditadmin = separated_admins["auditadmin"]
    response = signed_in(separated_admins["secadmin"]).post(
        f"{USERS}{auditadmin.pk}/grant-post/",
        {"department": world.mz.pk, "region": world.shandong.pk, "role": Role.SYSADMIN},
        follow=True,
    )
    html = response.content.decode()
    assert "不得由一人兼任" in html and "三员分立" in html and "审计管理员" in html
    assert auditadmin.admin_roles() == {Role.AUDITADMIN}


def test_the_security_administrator_may_not_deactivate_accounts(world, separated_admins):
    response = signed_in(separated_admins["secadmin"]).post(f"{USERS}{world.yanggu_mz.pk}/deactivate/")
    assert response.status_code == 403 and "系统管理员" in response.content.decode()
    world.yanggu_mz.refresh_from_db()
    assert world.yanggu_mz.is_active


def test_the_security_administrator_sees_a_lockout_and_lifts_it(world, separated_admins):
    for _ in range(5):
        Client().post(
            reverse("login"), {"username": "yanggu_mz", "password": "wrong-1"}, REMOTE_ADDR="10.9.9.9"
        )
    locked = Client().post(
        reverse("login"), {"username": "yanggu_mz", "password": world.password}, REMOTE_ADDR="10.9.9.9"
    )
    assert locked.status_code == 429
    secadmin = signed_in(separated_admins["secadmin"])
    page_html = secadmin.get("/accounts/admin/lockouts/").content.decode()
    assert "yanggu_mz" in page_html and "已锁定" in page_html
    response = secadmin.post("/accounts/admin/lockouts/unlock/", {"username": "yanggu_mz"}, follow=True)
    assert "已解除“yanggu_mz”的登录锁定" in response.content.decode()
    assert "目前没有被锁定" in response.content.decode()
    again = Client().post(
        reverse("login"), {"username": "yanggu_mz", "password": world.password}, REMOTE_ADDR="10.9.9.9"
    )
    assert again.status_code == 302
    assert SecurityEvent.objects.filter(username="yanggu_mz", detail__contains="解除锁定").exists()


def test_the_security_administrator_resets_two_factor(world, separated_admins):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=world.yanggu_mz, name="手机", confirmed=True)
    secadmin = signed_in(separated_admins["secadmin"])
    assert "重置两步验证" in secadmin.get(f"{USERS}{world.yanggu_mz.pk}/").content.decode()
    response = secadmin.post(f"{USERS}{world.yanggu_mz.pk}/reset-two-factor/", follow=True)
    assert "已重置" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=world.yanggu_mz).exists()


@pytest.fixture
def county_admin(world) -> User:
    user = UserFactory(username="yanggu_admin", display_name="阳谷县民政局管理员")
    AssignmentFactory(user=user, department=world.mz, region=world.yanggu, role=Role.ADMIN)
    return user


@pytest.mark.parametrize("who", ["inspector", "auditadmin", "county_admin"])
@pytest.mark.parametrize(
    "method,path",
    [
        ("get", USERS),
        ("get", USERS + "new/"),
        ("post", USERS + "new/"),
        ("get", USERS + "{pk}/"),
        ("post", USERS + "{pk}/deactivate/"),
        ("post", USERS + "{pk}/grant-post/"),
        ("post", USERS + "{pk}/reset-two-factor/"),
        ("get", "/accounts/admin/lockouts/"),
        ("post", "/accounts/admin/lockouts/unlock/"),
    ],
)
def test_everyone_else_is_refused_with_a_chinese_reason(
    world, separated_admins, county_admin, who, method, path
):
    user = {
        "inspector": world.yanggu_mz,
        "auditadmin": separated_admins["auditadmin"],
        "county_admin": county_admin,
    }[who]
    response = getattr(signed_in(user), method)(
        path.format(pk=world.outsider.pk), {"username": "yanggu_leader"}
    )
    assert response.status_code == 403
    assert "管理员" in response.content.decode()
    assert User.objects.get(pk=world.outsider.pk).is_active


def test_the_account_list_searches_counts_and_keeps_its_queries(world, separated_admins):
    for n in range(6):
        user = UserFactory(username=f"extra_{n}")
        AssignmentFactory(user=user, department=world.mz, region=world.yanggu, role=Role.INSPECTOR)
    secadmin = signed_in(separated_admins["secadmin"])
    secadmin.get(USERS)  # warm caches (sessions, content types)
    with CaptureQueriesContext(connection) as few:
        secadmin.get(USERS)
    for n in range(6, 20):
        user = UserFactory(username=f"extra_{n}")
        AssignmentFactory(user=user, department=world.mz, region=world.yanggu, role=Role.INSPECTOR)
    with CaptureQueriesContext(connection) as many:
        response = secadmin.get(USERS)
    assert len(many) == len(few)
    html = response.content.decode()
    assert "阳谷县" in html and "监管人员/执法人员" in html
    found = secadmin.get(USERS, {"q": "extra_1"}).content.decode()
    assert "extra_12" in found and "extra_3" not in found
    assert "新建账户" not in html  # the security administrator does not open accounts
    assert "新建账户" in signed_in(separated_admins["sysadmin"]).get(USERS).content.decode()
