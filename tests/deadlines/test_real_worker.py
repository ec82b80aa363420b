"""Real Celery workers on this machine's Redis: a due reminder is delivered once; a worker
killed mid-sweep and restarted still delivers once; two concurrent sweeps deliver once; a
sweep after downtime catches up.

Workers are ``celery worker --pool=solo`` subprocesses on a dedicated queue, against the test
database (PostgreSQL); on SQLite the in-memory test database cannot be shared with a
subprocess, so there a worker thread (celery.contrib.testing) runs the first two tests."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from supervision.deadlines import tasks
from supervision.deadlines.models import Deadline, Notification, Reminder

REDIS_URL = os.environ.get("REDIS_URL", "")
ROOT = Path(__file__).resolve().parents[2]
pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(
        not REDIS_URL, reason="REDIS_URL is unset: real-worker tests need Redis and a Celery worker"
    ),
]


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


needs_postgres = pytest.mark.skipif(
    "sqlite" in settings.DATABASES["default"]["ENGINE"],
    reason="needs PostgreSQL: a worker subprocess cannot share SQLite's in-memory test database, "
    "and SQLite serialises writers so it cannot show real concurrency",
)


def database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class Worker:
    def __init__(self, queue: str) -> None:
        self.queue = queue
        self.name = f"dl-{uuid.uuid4().hex[:8]}@%h"
        env = {**os.environ, "DATABASE_URL": database_url(), "REDIS_URL": REDIS_URL, "USE_REDIS_CACHE": "1"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "tests.deadlines.worker_app", "worker", "--pool=solo",
             "-Q", queue, "-n", self.name, "--without-gossip", "--without-mingle", "-l", "INFO"],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        from tests.deadlines.worker_app import app

        host = self.name.replace("%h", os.uname().nodename)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(self.proc.stdout.read() if self.proc.stdout else "worker exited")
            if app.control.ping(destination=[host], timeout=0.5):
                return
        self.stop()
        raise RuntimeError("worker did not answer within 30 s")

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


@contextlib.contextmanager
def workers(queue: str, n: int = 1) -> Iterator[list[Worker]]:
    started: list[Worker] = []
    try:
        for _ in range(n):
            started.append(Worker(queue))
        yield started
    finally:
        for w in started:
            w.stop()


@contextlib.contextmanager
def any_worker(queue: str) -> Iterator[None]:
    """A subprocess worker on PostgreSQL, a worker thread on SQLite."""
    if is_postgres():
        with workers(queue):
            yield
        return
    from celery.contrib.testing.worker import start_worker

    from tests.deadlines.worker_app import app

    with start_worker(app, queues=[queue], pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield


def wait_for(predicate, timeout: float = 30.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.fixture
def queue() -> str:
    return f"deadlines-test-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def due_today(world, subject):
    """A clock due today (its "due" stage has fired, the escalation not yet)."""
    from supervision.deadlines.services import deadline_open

    def make(count: int = 1, days_ago: int = 0) -> list[Deadline]:
        made = []
        for _ in range(count):
            d = deadline_open(
                subject(),
                "filing.onsite_check",
                dt.date(2026, 1, 5),
                department=world.mz,
                region=world.yanggu,
            )
            made.append(d)
        Deadline.objects.filter(pk__in=[d.pk for d in made]).update(
            due=timezone.localdate() - dt.timedelta(days=days_ago)
        )
        return made

    return make


@pytest.mark.django_db(transaction=True)
def test_a_due_reminder_is_delivered_once(world, due_today, queue):
    (d,) = due_today()
    with any_worker(queue):
        tasks.sweep.apply_async(queue=queue)
        tasks.sweep.apply_async(queue=queue)
        assert wait_for(lambda: Notification.objects.filter(deadline=d).exists())
        time.sleep(2)  # the second sweep has run by now; it must add nothing
    assert list(Reminder.objects.filter(deadline=d, delivered=True).values_list("stage", flat=True)) == [
        "due"
    ]
    assert Notification.objects.filter(deadline=d).count() == 1
    assert Notification.objects.get(deadline=d).user == world.yanggu_mz


@pytest.mark.django_db(transaction=True)
def test_a_sweep_after_downtime_catches_up(world, due_today, queue):
    (d,) = due_today(days_ago=30)
    with any_worker(queue):
        tasks.sweep.apply_async(queue=queue)
        assert wait_for(lambda: Notification.objects.filter(deadline=d).count() >= 2)
        time.sleep(1)
    # The superseded earlier stages are never claimed; the latest one and the escalation are.
    assert dict(Reminder.objects.filter(deadline=d).values_list("stage", "delivered")) == {
        "due": True,
        "escalate": True,
    }
    assert not Reminder.objects.filter(deadline=d, delivered_at__isnull=True).exists()
    assert set(Notification.objects.filter(deadline=d).values_list("user__username", flat=True)) == {
        "yanggu_mz",
        "yanggu_leader",
    }
    d.refresh_from_db()
    assert d.state == "overdue"


@contextlib.contextmanager
def reminder_table_locked() -> Iterator[None]:
    """Hold an exclusive lock on the reminder table from another connection, so that a sweep
    blocks in the middle of its transaction (after marking overdue, before claiming)."""
    import psycopg

    s = connection.settings_dict
    with psycopg.connect(
        host=s["HOST"] or "127.0.0.1",
        port=s["PORT"] or 5432,
        user=s["USER"],
        dbname=s["NAME"],
        autocommit=False,
    ) as conn:
        conn.execute(f"LOCK TABLE {Reminder._meta.db_table} IN EXCLUSIVE MODE")
        yield
        conn.rollback()


def blocked_sweeps() -> int:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND query ILIKE %s",
            ["%INSERT INTO%deadlines_reminder%"],
        )
        return cur.fetchone()[0]


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_sweep_and_restarted_still_delivers_once(world, due_today, queue):
    (d,) = due_today()
    first = Worker(queue)
    try:
        with reminder_table_locked():
            tasks.sweep.apply_async(queue=queue)
            assert wait_for(lambda: blocked_sweeps() == 1), "the sweep never reached its claim"
            first.kill()  # SIGKILL mid-task: its transaction dies with the connection
        assert not Reminder.objects.filter(deadline=d).exists()
    finally:
        first.stop()
    # acks_late + reject_on_worker_lost: the unacknowledged message is redelivered to the
    # restarted worker (after the test app's 8-second visibility timeout) and runs once.
    with workers(queue):
        assert wait_for(lambda: Notification.objects.filter(deadline=d).exists(), timeout=45)
        time.sleep(2)
    assert Reminder.objects.filter(deadline=d, stage="due").count() == 1
    assert Notification.objects.filter(deadline=d).count() == 1


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_deliver_once(world, due_today, queue):
    made = due_today(count=50)
    with workers(queue, n=2):
        with reminder_table_locked():
            tasks.sweep.apply_async(queue=queue)
            tasks.sweep.apply_async(queue=queue)
            # Both sweeps wait at the claim; releasing the lock lets them race.
            assert wait_for(lambda: blocked_sweeps() == 2), "the two sweeps did not run concurrently"
        assert wait_for(lambda: Notification.objects.count() >= 50)
        time.sleep(2)
    assert Reminder.objects.filter(stage="due", delivered=True).count() == 50
    assert Notification.objects.count() == 50
    assert set(Notification.objects.values_list("deadline_id", flat=True)) == {d.pk for d in made}
    assert Reminder.objects.values("sweep_id").distinct().count() in (1, 2)
