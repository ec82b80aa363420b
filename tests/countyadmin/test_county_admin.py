"""County administration without the Django admin: a county 管理员 manages the accounts and posts
inside the county, resets passwords (one-time, shown once, change forced), deactivates accounts,
and keeps the official department names; every action audited, nothing outside the county."""

from __future__ import annotations

import re

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext

from supervision.core.department_titles import DepartmentTitle, official_name
from supervision.core.models import Assignment, Role, User
from tests.factories import AssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(world) -> User:
    user = UserFactory(username="yanggu_admin", display_name="阳谷县民政局管理员")
    AssignmentFactory(user=user, department=world.mz, region=world.yanggu, role=Role.ADMIN)
    return user


@pytest.fixture
def xf_admin(world) -> User:
    user = UserFactory(username="yanggu_xf_admin", display_name="消防管理员")
    AssignmentFactory(user=user, department=world.xf, region=world.yanggu, role=Role.ADMIN)
    return user


def one_time_password(html: str) -> str:
    return re.search(r'id="one-time-password">([^<]+)<', html).group(1)


def test_only_administrators_open_the_pages(world, admin, client_for):
    assert client_for(world.yanggu_mz).get("/county-admin/").status_code == 403
    page = client_for(admin).get("/county-admin/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "用户与岗位" in html and "部门名称" in html and "阳谷县" in html


def test_the_user_list_holds_the_county_only_with_its_total(world, admin, client_for):
    html = client_for(admin).get("/county-admin/users/").content.decode()
    for inside in ("yanggu_mz", "yanggu_leader", "yanggu_xf"):
        assert inside in html
    for outside in ("dongchangfu_mz", "sysadmin", "outsider"):
        assert outside not in html
    assert "共 4 条" in html  # the three staff and the administrator
    found = client_for(admin).get("/county-admin/users/?q=leader").content.decode()
    assert "yanggu_leader" in found and "yanggu_xf" not in found and "共 1 条" in found


def test_creating_an_account_shows_its_initial_password_once(world, admin, client_for):
    client = client_for(admin)
    response = client.post(
        "/county-admin/users/new/",
        {
            "username": "yanggu_zhang",
            "display_name": "张明",
            "phone": "0635-1234567",
            "department": world.mz.pk,
            "region": world.yanggu_town.pk,
            "role": "inspector",
        },
    )
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    password = one_time_password(response.content.decode())
    user = User.objects.get(username="yanggu_zhang")
    assert user.check_password(password) and user.must_change_password
    assert Assignment.objects.filter(
        user=user, region=world.yanggu_town, role="inspector", active=True
    ).exists()
    entries = LogEntry.objects.get_for_object(user)
    assert entries.filter(additional_data__verb="create_account").exists()
    assert all(password not in str(e.changes) for e in LogEntry.objects.all())
    # the detail page never shows it again
    assert password not in client.get(f"/county-admin/users/{user.pk}/").content.decode()


def test_an_account_outside_the_county_is_not_found(world, admin, client_for):
    client = client_for(admin)
    target = world.dongchangfu_mz
    assert client.get(f"/county-admin/users/{target.pk}/").status_code == 404
    assert client.post(f"/county-admin/users/{target.pk}/reset-password/").status_code == 404
    assert client.post(f"/county-admin/users/{world.sysadmin.pk}/deactivate/").status_code == 404


def test_password_reset_makes_a_one_time_password_and_forces_a_change(world, admin, client_for):
    target = world.yanggu_xf
    response = client_for(admin).post(f"/county-admin/users/{target.pk}/reset-password/")
    password = one_time_password(response.content.decode())
    target.refresh_from_db()
    assert target.check_password(password) and not target.check_password(world.password)
    assert target.must_change_password
    entry = LogEntry.objects.get_for_object(target).get(additional_data__verb="reset_password")
    assert entry.actor == admin and password not in str(entry.changes)


def test_deactivation_is_audited_and_stops_sign_in(world, admin, client_for):
    from django.test import Client

    target = world.yanggu_leader
    client_for(admin).post(f"/county-admin/users/{target.pk}/deactivate/")
    target.refresh_from_db()
    assert not target.is_active
    assert LogEntry.objects.get_for_object(target).filter(additional_data__verb="deactivate").exists()
    response = Client().post("/accounts/login/", {"username": target.username, "password": world.password})
    assert response.status_code == 200 and "_auth_user_id" not in Client().session


def test_posts_are_granted_and_ended_inside_the_county(world, admin, client_for):
    client = client_for(admin)
    target = world.yanggu_mz
    client.post(
        f"/county-admin/users/{target.pk}/grant-post/",
        {"department": world.mz.pk, "region": world.yanggu.pk, "role": "leader"},
    )
    post = Assignment.objects.get(user=target, role="leader")
    assert post.active
    # a region outside the county is not offered, and refused if posted
    client.post(
        f"/county-admin/users/{target.pk}/grant-post/",
        {"department": world.mz.pk, "region": world.dongchangfu.pk, "role": "leader"},
    )
    assert not Assignment.objects.filter(user=target, region=world.dongchangfu).exists()
    client.post(f"/county-admin/users/{target.pk}/end-post/", {"post": post.pk})
    post.refresh_from_db()
    assert not post.active
    verbs = set(LogEntry.objects.get_for_object(post).values_list("additional_data__verb", flat=True))
    assert {"grant_post", "end_post"} <= verbs


def test_an_administrator_cannot_grant_the_separated_administrator_posts(world, admin, client_for):
    form = client_for(admin).get(f"/county-admin/users/{world.yanggu_mz.pk}/").content.decode()
    assert 'value="sysadmin"' not in form and 'value="secadmin"' not in form
    client_for(admin).post(
        f"/county-admin/users/{world.yanggu_mz.pk}/grant-post/",
        {"department": world.mz.pk, "region": world.yanggu.pk, "role": "sysadmin"},
    )
    assert not Assignment.objects.filter(user=world.yanggu_mz, role="sysadmin").exists()


def test_department_names_are_kept_by_the_lead_administrator(world, admin, client_for):
    client = client_for(admin)
    page = client.get("/county-admin/titles/").content.decode()
    assert "阳谷县消防救援" in page and "未设置" in page
    client.post(
        f"/county-admin/titles/{world.yanggu.code}/{world.xf.code}/",
        {
            "official_name": "阳谷县消防救援大队",
            "abbreviation": "阳消",
            "contact_person": "李强",
            "contact_phone": "0635-6219119",
        },
    )
    assert official_name(world.xf, world.yanggu) == "阳谷县消防救援大队"
    row = DepartmentTitle.objects.get(department=world.xf, region=world.yanggu)
    assert LogEntry.objects.get_for_object(row).filter(additional_data__verb="set_title").exists()


def test_a_partner_administrator_keeps_only_its_own_name(world, xf_admin, client_for):
    client = client_for(xf_admin)
    own = client.post(
        f"/county-admin/titles/{world.yanggu.code}/{world.xf.code}/", {"official_name": "阳谷县消防救援大队"}
    )
    assert own.status_code == 302
    other = client.post(
        f"/county-admin/titles/{world.yanggu.code}/{world.mz.code}/", {"official_name": "某局"}
    )
    assert other.status_code == 403
    assert not DepartmentTitle.objects.filter(department=world.mz).exists()
    # another county's names are not found
    assert client.get(f"/county-admin/titles/{world.dongchangfu.code}/{world.xf.code}/").status_code == 404


def test_the_user_list_does_not_query_per_account(world, admin, client_for):
    client = client_for(admin)
    client.get("/county-admin/users/")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/county-admin/users/").status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for i in range(6):
        user = UserFactory(username=f"extra{i}")
        AssignmentFactory(user=user, department=world.mz, region=world.yanggu_town, role="inspector")
    assert count() == before
