"""Scenes: fixtures built once per test module and handed to each test as a fresh copy.

Most tests start from the same few rows (the region tree and personas of ``world``, a module's
own cast of institutions and inspections). Building them for every test cost most of the suite's
time. A fixture declared with ``@scene`` instead of ``@pytest.fixture`` is built once, the first
time a test of the module needs it, inside a transaction that stays open while the module's
tests that use scenes run one after another; each test's own transaction (``db``) is a
savepoint inside it, so whatever a test writes is rolled back before the next, which finds the
rows exactly as built. The build counts as committed: the on-commit hooks its writes register
(the audit chain's seal, for one) run when it ends. Each test gets a deep copy of the built
objects (one copy per test, so a scene that holds another scene's objects holds the same copies
the test sees), so changing an attribute in one test never shows in the next.

Where a scene cannot be kept open (a transactional test, whose flush would end it, a
``live_server`` test, a test reading the demo through ``demo_module``), the fixture is built
for the test itself, as a plain fixture would be. A scene's builder takes only other scenes as
arguments and must not write files (the per-test settings, such as a temporary private store,
are not in force while it runs); everything else belongs in an ordinary fixture.

The scene is opened just before the test's transaction (``pytest_fixture_setup`` of
pytest-django's ``_django_db_helper``) and closed after the last consecutive test of the module
that uses it (``pytest_runtest_teardown`` knows the next item)."""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable
from typing import Any

import pytest

_SPEC = "__scene_builder__"
_MEMO = pytest.StashKey[dict]()

# The settings the function-scoped autouse fixtures give every test, in force while building.
_BUILD_SETTINGS = {
    "CACHES": {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "scene"}},
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
}


def scene(builder: Callable[..., Any]):
    """Declare a scene: ``builder``'s arguments name the other scenes it is built from."""
    deps = tuple(inspect.signature(builder).parameters)
    name = builder.__name__

    def fixture(request, db, **given):
        open_scene = _open_for(request.node)
        if open_scene is not None and name in open_scene.built:
            memo = request.node.stash.setdefault(_MEMO, {})
            return copy.deepcopy(open_scene.built[name], memo)
        return builder(**{d: given[d] for d in deps})

    params = [inspect.Parameter(p, inspect.Parameter.POSITIONAL_OR_KEYWORD) for p in ("request", "db", *deps)]
    fixture.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    fixture.__name__ = name
    fixture.__qualname__ = name
    fixture.__doc__ = builder.__doc__
    fixture.__module__ = builder.__module__
    setattr(fixture, _SPEC, (builder, deps))
    return pytest.fixture(name=name)(fixture)


class _Scene:
    def __init__(self, module: str, blocker: Any) -> None:
        from django.db import transaction

        self.module = module
        self.blocker = blocker
        self.built: dict[str, Any] = {}
        with blocker.unblock():
            self.atomic = transaction.atomic()
            # a test's transaction, never committed (Django marks TestCase's own the same way,
            # and its ``durable`` check reads the mark)
            self.atomic._from_testcase = True  # type: ignore[attr-defined]
            self.atomic.__enter__()

    def build(self, name: str, specs: dict[str, tuple[Callable[..., Any], tuple[str, ...]]]) -> None:
        if name in self.built:
            return
        builder, deps = specs[name]
        for dep in deps:
            if dep not in specs:
                raise TypeError(f"scene {name!r}: its argument {dep!r} is not a scene")
            self.build(dep, specs)
        from django.core.cache import cache
        from django.test import TestCase
        from django.test.utils import override_settings

        from supervision.celery import app

        eager = app.conf.task_always_eager
        app.conf.task_always_eager = True
        try:
            # What a scene writes is there before its tests begin, as if committed: the on-commit
            # hooks its writes register (the audit chain's seal among them) run when it is built.
            with (
                self.blocker.unblock(),
                override_settings(**_BUILD_SETTINGS),
                TestCase.captureOnCommitCallbacks(execute=True),
            ):
                self.built[name] = builder(**{d: self.built[d] for d in deps})
                cache.clear()
        finally:
            app.conf.task_always_eager = eager

    def close(self) -> None:
        from django.db import transaction

        with self.blocker.unblock():
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)


_current: _Scene | None = None


def _open_for(item: pytest.Item) -> _Scene | None:
    if _current is not None and _current.module == _module_of(item):
        return _current
    return None


def _module_of(item: pytest.Item) -> str:
    return item.nodeid.split("::", 1)[0]


def _transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and (
        marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences") or marker.args[:1] == (True,)
    ):
        return True
    names = set(getattr(item, "fixturenames", ()))
    return bool(
        names
        & {"transactional_db", "live_server", "django_db_reset_sequences", "django_db_serialized_rollback"}
    )


def _specs(item: pytest.Item) -> dict[str, tuple[Callable[..., Any], tuple[str, ...]]]:
    """The scenes ``item`` uses, when it may use them kept open (else none)."""
    info = getattr(item, "_fixtureinfo", None)
    if info is None or "demo_module" in item.fixturenames or _transactional(item):
        return {}
    found = {}
    for name in item.fixturenames:
        defs = info.name2fixturedefs.get(name)
        spec = getattr(defs[-1].func, _SPEC, None) if defs else None
        if spec is not None:
            found[name] = spec
    return found


def _close() -> None:
    global _current
    if _current is not None:
        scene_, _current = _current, None
        scene_.close()


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef, request):
    """Just before a test's transaction is opened: the module's scenes are open and built."""
    global _current
    if fixturedef.argname == "_django_db_helper":
        item = request.node
        specs = _specs(item)
        if _current is not None and (not specs or _current.module != _module_of(item)):
            _close()
        if specs:
            if _current is None:
                _current = _Scene(_module_of(item), request.getfixturevalue("django_db_blocker"))
            try:
                for name in specs:
                    _current.build(name, specs)
            except BaseException:
                _close()
                raise
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a test: the scene ends unless the next test is of the same module and uses it."""
    try:
        return (yield)
    finally:
        if _current is not None and (
            nextitem is None or _module_of(nextitem) != _current.module or not _specs(nextitem)
        ):
            _close()
