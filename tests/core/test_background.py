"""``run_in_background``: after the commit, never inside the request — on a broker when one is
configured, on a daemon thread in the embedded default, inline when tests or the demo ask."""

from __future__ import annotations

import threading
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import transaction

from supervision.core import background

pytestmark = pytest.mark.django_db


class FakeTask:
    """Stands in for a Celery task: records how it was started."""

    name = "tests.fake"

    def __init__(self, eager: bool = True, gate: threading.Event | None = None) -> None:
        self.app = SimpleNamespace(conf=SimpleNamespace(task_always_eager=eager))
        self.gate = gate
        self.ran: list[tuple[Any, ...]] = []
        self.queued: list[tuple[Any, ...]] = []
        self.threads: list[str] = []

    def apply(self, args: tuple[Any, ...] = (), throw: bool = True) -> None:
        if self.gate is not None:
            assert self.gate.wait(10)
        self.threads.append(threading.current_thread().name)
        self.ran.append(args)

    def delay_on_commit(self, *args: Any) -> None:
        transaction.on_commit(lambda: self.queued.append(args))


def test_the_embedded_default_runs_the_task_on_a_thread_after_the_commit(
    settings, django_capture_on_commit_callbacks
):
    settings.BACKGROUND_TASKS_INLINE = False
    gate = threading.Event()
    task = FakeTask(gate=gate)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        background.run_in_background(task, 7)
        assert task.ran == []  # nothing before the commit
    assert len(callbacks) == 1
    # The commit has happened and the caller goes on while the task waits.
    assert task.ran == []
    gate.set()
    assert background.wait(10)
    assert task.ran == [(7,)] and task.threads[0].startswith("background:")


def test_with_a_broker_the_task_is_queued_on_commit(settings, django_capture_on_commit_callbacks):
    settings.BACKGROUND_TASKS_INLINE = False
    task = FakeTask(eager=False)
    with django_capture_on_commit_callbacks(execute=True):
        background.run_in_background(task, 1, 2)
        assert task.queued == []
    assert task.queued == [(1, 2)] and task.ran == []


@pytest.mark.parametrize("how", ["setting", "context"])
def test_inline_runs_in_the_callers_thread_after_the_commit(
    settings, django_capture_on_commit_callbacks, how
):
    settings.BACKGROUND_TASKS_INLINE = how == "setting"
    task = FakeTask(eager=False)  # inline wins over the broker too (the demo's data are complete)
    with django_capture_on_commit_callbacks(execute=True):
        if how == "context":
            with background.inline():
                background.run_in_background(task, 3)
        else:
            background.run_in_background(task, 3)
        assert task.ran == []
    assert task.ran == [(3,)] and task.threads == [threading.current_thread().name] and task.queued == []
