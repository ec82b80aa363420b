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
from tests.scenes import pytest_fixture_setup, pytest_runtest_teardown, scene  # noqa: F401 (hooks)

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
    from auditlog.context import disable_auditlog
    from django.apps import apps as global_apps
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations.special import RunPython

    loader = MigrationLoader(connection, ignore_no_migrations=True)
    seen: set[tuple[str, str]] = set()
    # ``migrate`` runs these on historical models, which write no audit entries; run on the live
    # registry they would, and those entries (and their chain links, committed at once) would
    # stay behind the flush as a trail no migrated database has.
    with disable_auditlog():
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
def _no_audit_links_pending_from_earlier_tests():
    """Audit rows written inside a test's transaction wait for a commit that never comes (see
    ``supervision.audit.chain.append``); the rows are rolled back with the test, and what the
    connection still holds for them must not reach the next test's ``seal_pending``."""
    from django.db import connections

    from supervision.audit.chain import PENDING_ATTR

    for conn in connections.all(initialized_only=True):
        getattr(conn, PENDING_ATTR, {}).clear()
    yield


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


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """In each module, the tests that read the demo (``demo_module``) run after the others.

    ``demo_module`` keeps the seeded demo in an open transaction until the module's last test;
    a test of the same module that builds its own small world must run before that, whatever
    order the items come in (``--random-order`` shuffles first: this hook runs last). Each module
    keeps the slots its items had; only which of its items fills which slot changes. ``make test``
    distributes by file (``--dist loadfile``), so a module's items also stay on one worker."""
    slots: dict[str, list[int]] = {}
    for i, item in enumerate(items):
        slots.setdefault(item.nodeid.split("::", 1)[0], []).append(i)
    reordered = list(items)
    for positions in slots.values():
        members = [items[i] for i in positions]
        uses_demo = [m for m in members if "demo_module" in getattr(m, "fixturenames", ())]
        if not uses_demo or len(uses_demo) == len(members):
            continue
        ordered = [m for m in members if m not in uses_demo] + uses_demo
        for i, m in zip(positions, ordered, strict=True):
            reordered[i] = m
    items[:] = reordered


@pytest.fixture(scope="module")
def demo_module(django_db_setup, django_db_blocker):
    """The demo site (``seed_demo``), seeded once for a whole test module.

    Seeding takes seconds and a dozen modules read the demo, some in many tests (the write
    matrix has one test per persona). The demo is written inside a transaction that stays open
    for the module and is rolled back at its end; each test's own transaction (``db``) is a
    savepoint inside it, so every test starts from the freshly seeded demo whatever the test
    before it wrote, and the next module starts from an empty database. The settings the
    function-scoped autouse fixtures give every test (in-process tasks and cache, fast hashing)
    are in force while seeding too. Not for transactional tests: their flush would end it."""
    from io import StringIO

    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import transaction
    from django.test import TestCase
    from django.test.utils import override_settings

    from supervision.celery import app

    with (
        django_db_blocker.unblock(),
        override_settings(
            CACHES={
                "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "demo"}
            },
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
    ):
        eager = app.conf.task_always_eager
        app.conf.task_always_eager = True
        atomic = transaction.atomic()
        atomic._from_testcase = True  # a test's transaction, never committed (as TestCase marks its own)
        atomic.__enter__()
        try:
            # the demo is there before the module's tests, as if committed (as a scene is): the
            # on-commit hooks of its writes (the audit chain's seal among them) run once seeded
            with TestCase.captureOnCommitCallbacks(execute=True):
                call_command("seed_demo", stdout=StringIO())
            cache.clear()
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            app.conf.task_always_eager = eager
            cache.clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Personas' passwords are hashed in every test; PBKDF2 would dominate the run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@scene
def world() -> World:
    """The region tree, departments and personas above, built once per test module (a scene)."""
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
