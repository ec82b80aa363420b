"""三员分立: system, security and audit administrator are never held by one person, and none of
them is a business post (no jurisdiction over business data)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from supervision.accounts.services import grant_post
from supervision.core.models import Assignment, Role
from supervision.core.policy import Denied
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "first,second",
    [
        (Role.SYSADMIN, Role.SECADMIN),
        (Role.SYSADMIN, Role.AUDITADMIN),
        (Role.SECADMIN, Role.AUDITADMIN),
        (Role.AUDITADMIN, Role.SYSADMIN),
    ],
)
def test_the_service_refuses_a_second_administrator_role(world, separated_admins, first, second):
    user = UserFactory(username="candidate")
    grant_post(separated_admins["secadmin"], user, world.mz, world.shandong, first)
    with pytest.raises(ValidationError) as excinfo:
        grant_post(separated_admins["secadmin"], user, world.mz, world.liaocheng, second)
    assert "不得由一人兼任" in str(excinfo.value)
    assert user.admin_roles() == {first}


def test_clean_refuses_it_for_forms_and_the_admin(world, separated_admins):
    post = Assignment(
        user=separated_admins["sysadmin"], department=world.mz, region=world.liaocheng, role=Role.AUDITADMIN
    )
    with pytest.raises(ValidationError) as excinfo:
        post.full_clean()
    assert "三员分立" in str(excinfo.value)


def test_the_database_refuses_it_too(world, separated_admins):
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(
            user=separated_admins["sysadmin"], department=world.mz, region=world.liaocheng, role=Role.SECADMIN
        )


def test_an_ended_post_frees_the_user_for_another_role(world, separated_admins):
    from supervision.accounts.services import end_post

    post = Assignment.objects.get(user=separated_admins["sysadmin"])
    end_post(separated_admins["secadmin"], post)
    grant_post(
        separated_admins["secadmin"], separated_admins["sysadmin"], world.mz, world.shandong, Role.AUDITADMIN
    )


def test_only_the_security_administrator_grants_posts(world, separated_admins):
    user = UserFactory(username="candidate")
    for who in (separated_admins["sysadmin"], separated_admins["auditadmin"], world.yanggu_leader):
        with pytest.raises(Denied):
            grant_post(who, user, world.mz, world.yanggu, Role.INSPECTOR)


def test_administrator_posts_give_no_sight_of_business_data(world, separated_admins):
    from institutions.models import Institution

    for user in separated_admins.values():
        assert user.active_assignments() == []
        assert Institution.objects.visible_to(user).count() == 0
    assert separated_admins["auditadmin"].is_audit_admin
    assert not separated_admins["sysadmin"].is_audit_admin


def test_the_administrator_posts_have_chinese_names(world, separated_admins):
    labels = {
        a.get_role_display()
        for a in Assignment.objects.filter(role__in=["sysadmin", "secadmin", "auditadmin"])
    }
    assert labels == {"系统管理员", "安全管理员", "审计管理员"}


def test_no_demo_persona_works_as_a_superuser(client):
    """Day-to-day work is never done as a superuser: in the demo the one superuser is ``admin``
    (for /admin/ and emergencies, with no post), every persona is an ordinary account with
    its post, and a superuser's every page carries the warning."""
    from supervision.core import demo
    from supervision.core.models import User

    demo.seed()
    supers = list(User.objects.filter(is_superuser=True).values_list("username", flat=True))
    assert supers == [demo.SUPERUSER]
    admin = User.objects.get(username=demo.SUPERUSER)
    assert not admin.assignments.exists()
    for account in demo.DEMO_ACCOUNTS:
        user = User.objects.get(username=account.username)
        assert not user.is_superuser and not user.is_staff, account.username
        assert user.assignments.filter(active=True).count() == 1, account.username
    warning = "您正在使用超级管理员账户"
    client.force_login(admin)
    assert warning in client.get("/workbench/").content.decode()
    client.force_login(User.objects.get(username="sysadmin"))
    assert warning not in client.get("/workbench/").content.decode()
