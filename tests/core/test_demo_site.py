"""The portal as `make run` serves it: with the demo data loaded, every demo account reaches its
workbench in Chinese, the Django admin (系统管理员 only) renders every page it registers, and
loading the demo data again changes nothing in any table."""

from __future__ import annotations

from io import StringIO

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

from supervision.core import demo as core_demo
from supervision.core.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_site(demo_module, db):
    """The demo, seeded once for the module (``demo_module``); each test rolls back its writes."""


def row_counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


def test_seed_demo_again_changes_no_table(demo_site):
    before = row_counts()
    assert before["core.User"] > 10 and before["institutions.Institution"] >= 20
    call_command("seed_demo", stdout=StringIO())
    after = row_counts()
    assert {k: (before[k], after[k]) for k in before if before[k] != after[k]} == {}


def test_every_demo_account_logs_in_to_a_chinese_workbench(demo_site, client):
    """Staff land on their workbench, leaders on the leaders' dashboard, an institution account
    on the institution's own home page."""
    from supervision.core.models import Role
    from supervision.core.scoping import institution_pk_of

    usernames = list(User.objects.filter(is_active=True).values_list("username", flat=True))
    assert len(usernames) >= 16
    landed: set[str] = set()
    for username in usernames:
        client.logout()
        response = client.post(
            reverse("login"), {"username": username, "password": core_demo.DEMO_PASSWORD}, follow=True
        )
        user = User.objects.get(username=username)
        if institution_pk_of(user) is not None:
            first, title = reverse("institution_home"), "机构端首页"
        elif any(a.role == Role.LEADER for a in user.active_assignments()):
            first, title = reverse("dashboard:index"), "领导驾驶舱"
        else:
            first, title = reverse("workbench"), "工作台"
        landed.add(title)
        assert response.redirect_chain[-1][0] == first, username
        body = response.content.decode()
        assert response.status_code == 200 and "<h1" in body and title in body, username
        assert 'lang="zh-hans"' in body, username
        if title == "工作台":
            for post in user.active_assignments():
                assert post.region.full_name() in body and post.department.name in body, username
    assert landed == {"机构端首页", "领导驾驶舱", "工作台"}


def test_admin_renders_every_registered_page_for_the_system_administrator(demo_site, client):
    client.force_login(User.objects.get(username="admin"))
    assert client.get("/admin/").status_code == 200
    checked = 0
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        changelist = client.get(reverse("admin:{}_{}_changelist".format(*info)))
        assert changelist.status_code == 200, info
        add = client.get(reverse("admin:{}_{}_add".format(*info)))
        expected = 200 if model_admin.has_add_permission(changelist.wsgi_request) else 403
        assert add.status_code == expected, info
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            change = client.get(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
            assert change.status_code == 200, info
            checked += 1
    assert checked >= 30


def test_admin_search_finds_regions_by_name_and_code(demo_site, client):
    client.force_login(User.objects.get(username="admin"))
    by_name = client.get("/admin/core/region/", {"q": "阳谷"}).content.decode()
    assert "371521000000" in by_name
    by_code = client.get("/admin/core/region/", {"q": "532301"}).content.decode()
    assert "楚雄市" in by_code


def test_the_admin_is_for_system_administrators_only(demo_site, client):
    client.force_login(User.objects.get(username="yanggu_admin"))  # a county 管理员, not 系统管理员
    response = client.get("/admin/core/department/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
