"""Shared fixtures: a small region tree and the personas every scoping test uses.

* ``yanggu_mz``   – civil affairs (lead department) inspector of 阳谷县
* ``dongchangfu_mz`` – civil affairs inspector of the sibling county 东昌府区
* ``yanggu_xf``   – fire rescue (partner department, remit: fire safety) in 阳谷县
* ``yanggu_leader`` – civil-affairs leader of 阳谷县
* ``outsider``    – an account with no assignment
* ``sysadmin``    – superuser (系统管理员)
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest

from supervision.core.models import Department, Region, Role, User
from tests.factories import (
    TEST_PASSWORD,
    AssignmentFactory,
    DepartmentFactory,
    DomainFactory,
    RegionFactory,
    RemitFactory,
    UserFactory,
)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# The suite runs on a pinned day, whatever the real date: a test that opens a clock "today" must
# get the same due date in March as in late December, when 20 working days already reach a year
# the State Council has not published. Time still ticks from the pin (sessions, lockouts and
# timeouts behave), and a test that needs another moment patches ``timezone.now`` or passes
# dates. ``TEST_NOW`` moves the pin to try the suite on another day; it is inherited by the
# worker subprocesses of the real-worker tests (tests/deadlines/worker_app.py).
os.environ.setdefault("TEST_NOW", "2026-12-01T10:00:00+08:00")


def pytest_configure(config):
    from tests.clock import pin_clock

    config._pinned_clock = pin_clock()


def pytest_unconfigure(config):
    traveller = getattr(config, "_pinned_clock", None)
    if traveller is not None:
        traveller.stop()


def pytest_report_header(config):
    return f"clock pinned at TEST_NOW={os.environ['TEST_NOW']}"


@dataclass
class World:
    shandong: Region
    liaocheng: Region
    yanggu: Region
    yanggu_town: Region
    dongchangfu: Region
    dongchangfu_town: Region
    mz: Department
    xf: Department
    sj: Department
    yanggu_mz: User
    yanggu_leader: User
    dongchangfu_mz: User
    yanggu_xf: User
    outsider: User
    sysadmin: User
    password: str = TEST_PASSWORD


def reload_shipped_data() -> None:
    """Re-run every data migration (RunPython) against the live app registry.

    A transactional test (a browser test with ``live_server``, or ``django_db(transaction=True)``)
    ends with a flush that also removes the configuration the migrations ship (deadline rules,
    item lists, grading rules). Every test must find that configuration whatever ran before it
    on its worker, so the flush is followed at once by this reload (see
    ``_restore_shipped_data_after_flush`` below)."""
    from django.apps import apps as global_apps
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations.special import RunPython

    loader = MigrationLoader(connection, ignore_no_migrations=True)
    seen: set[tuple[str, str]] = set()
    for key in loader.graph.leaf_nodes():
        for node in loader.graph.forwards_plan(key):
            if node in seen:
                continue
            seen.add(node)
            migration = loader.graph.nodes[node]
            for operation in migration.operations:
                if isinstance(operation, RunPython):
                    operation.code(global_apps, connection.schema_editor())


def _restore_shipped_data_after_flush() -> None:
    """Make every flush of a transactional test put the shipped configuration back.

    ``TransactionTestCase._fixture_teardown`` is where Django truncates every table;
    ``TestCase`` overrides it with a rollback, so only transactional tests are affected. Doing
    the reload right after the flush (rather than before the next transactional test) keeps the
    database in its migrated state between any two tests, so no test depends on the order or on
    how xdist splits the suite."""
    from django.test import TransactionTestCase

    if getattr(TransactionTestCase._fixture_teardown, "restores_shipped_data", False):
        return
    flush = TransactionTestCase._fixture_teardown

    def _fixture_teardown(self):
        flush(self)
        reload_shipped_data()

    _fixture_teardown.restores_shipped_data = True  # type: ignore[attr-defined]
    TransactionTestCase._fixture_teardown = _fixture_teardown  # type: ignore[method-assign]


_restore_shipped_data_after_flush()


@pytest.fixture(autouse=True)
def eager_tasks_unless_real_worker(request):
    """With REDIS_URL set the settings send tasks to the broker; every test except those marked
    ``redis`` (which start a real worker) runs its tasks in-process, as the embedded default."""
    from supervision.celery import app

    if request.node.get_closest_marker("redis") is not None:
        yield
        return
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.fixture(autouse=True)
def _isolated_cache(settings):
    """Public page caches and throttle counters must not leak from one test into the next, nor
    between xdist workers sharing one Redis: each test gets a fresh in-process cache."""
    from django.core.cache import cache

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}
    }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Personas' passwords are hashed in every test; PBKDF2 would dominate the run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db) -> World:
    shandong = RegionFactory(code="370000000000", name="山东省", level=1)
    liaocheng = RegionFactory(code="371500000000", name="聊城市", level=2, parent=shandong)
    yanggu = RegionFactory(code="371521000000", name="阳谷县", level=3, parent=liaocheng)
    yanggu_town = RegionFactory(code="371521100000", name="博济桥街道", level=4, parent=yanggu)
    dongchangfu = RegionFactory(code="371502000000", name="东昌府区", level=3, parent=liaocheng)
    dongchangfu_town = RegionFactory(code="371502001000", name="古楼街道", level=4, parent=dongchangfu)
    fire = DomainFactory(code="fire", name="消防安全")
    food = DomainFactory(code="food", name="食品安全")
    DomainFactory(code="operations", name="运营服务")
    mz = DepartmentFactory(code="civil_affairs", name="民政", short_name="民", is_lead=True)
    xf = DepartmentFactory(code="fire_rescue", name="消防救援", short_name="消")
    sj = DepartmentFactory(code="market_regulation", name="市场监管", short_name="市监")
    RemitFactory(department=xf, domain=fire)
    RemitFactory(department=sj, domain=food)

    def person(username: str, dept: Department, region: Region, role: str = Role.INSPECTOR) -> User:
        user = UserFactory(username=username, display_name=username)
        AssignmentFactory(user=user, department=dept, region=region, role=role)
        return user

    sysadmin = UserFactory(username="sysadmin", is_superuser=True, is_staff=True)
    return World(
        shandong=shandong,
        liaocheng=liaocheng,
        yanggu=yanggu,
        yanggu_town=yanggu_town,
        dongchangfu=dongchangfu,
        dongchangfu_town=dongchangfu_town,
        mz=mz,
        xf=xf,
        sj=sj,
        yanggu_mz=person("yanggu_mz", mz, yanggu),
        yanggu_leader=person("yanggu_leader", mz, yanggu, Role.LEADER),
        dongchangfu_mz=person("dongchangfu_mz", mz, dongchangfu),
        yanggu_xf=person("yanggu_xf", xf, yanggu),
        outsider=UserFactory(username="outsider"),
        sysadmin=sysadmin,
    )


@pytest.fixture
def client_for(client):
    """Log a persona into the Django test client: ``client_for(world.yanggu_mz)``."""

    def login(user: User):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def api_for():
    """A DRF APIClient authenticated as a persona."""
    from rest_framework.test import APIClient

    def make(user: User) -> APIClient:
        api = APIClient()
        api.force_authenticate(user)
        return api

    return make
