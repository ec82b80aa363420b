"""Long work off the request: ``run_in_background(task, *args)``.

An import of a registration list can take minutes; it must never run inside the request that
asked for it (a 1.28-million-row CSV once held one request for ten minutes, because in the
embedded default Celery runs every task in-process, inside ``.delay()``). Call
``run_in_background(task, *args)`` inside or outside a transaction; the task starts only once
the transaction has committed, so it sees the rows the caller wrote:

* **with a broker** (``CELERY_TASK_ALWAYS_EAGER`` off): ``task.delay_on_commit(*args)``, for a
  worker;
* **embedded default** (no broker, tasks eager): after the commit the task is started on a
  daemon thread of this process, which closes its database connections when it ends. The
  request returns at once and the page polls the task's progress. A process that exits
  mid-task leaves the task's own state as it was (the task must be idempotent and claim its
  work, as every task of the portal does);
* **inline** (``settings.BACKGROUND_TASKS_INLINE = True``, or inside ``with inline():``): after
  the commit, in the caller's thread, as eager Celery did. Tests use it to be deterministic, and
  the demo seeder so that its data are complete when the command returns.

``wait()`` joins the threads started so far (tests, and a management command that must not
exit before its work is done).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import connections, transaction

log = logging.getLogger(__name__)

_state = threading.local()
_threads: list[threading.Thread] = []
_threads_lock = threading.Lock()


@contextmanager
def inline() -> Iterator[None]:
    """Run the background work queued inside this block in the caller's thread (after commit)."""
    depth = getattr(_state, "inline", 0)
    _state.inline = depth + 1
    try:
        yield
    finally:
        _state.inline = depth


def is_inline() -> bool:
    return bool(getattr(_state, "inline", 0)) or bool(getattr(settings, "BACKGROUND_TASKS_INLINE", False))


def _has_broker(task: Any) -> bool:
    return not task.app.conf.task_always_eager


def run_in_background(task: Any, *args: Any) -> None:
    """Start ``task(*args)`` after the current transaction commits, never in this request
    (see the module docstring). ``task`` is a Celery task; its arguments must be JSON."""
    if is_inline():
        transaction.on_commit(lambda: task.apply(args=args, throw=True))
    elif _has_broker(task):
        task.delay_on_commit(*args)
    else:
        transaction.on_commit(lambda: _start_thread(task, args))


def _start_thread(task: Any, args: tuple[Any, ...]) -> threading.Thread:
    thread = threading.Thread(target=_run, args=(task, args), name=f"background:{task.name}", daemon=True)
    with _threads_lock:
        _threads[:] = [t for t in _threads if t.is_alive()]
        _threads.append(thread)
    thread.start()
    return thread


def _run(task: Any, args: tuple[Any, ...]) -> None:
    try:
        task.apply(args=args, throw=True)
    except Exception:  # the task records its own failure; a thread has no one to raise to
        log.exception("background task %s%r failed", task.name, args)
    finally:
        connections.close_all()


def wait(timeout: float | None = None) -> bool:
    """Join the background threads started so far; True when all have finished."""
    with _threads_lock:
        pending = list(_threads)
    for thread in pending:
        thread.join(timeout)
    with _threads_lock:
        _threads[:] = [t for t in _threads if t.is_alive()]
        return not _threads
