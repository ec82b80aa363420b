"""What `make run` does on a fresh machine: migrate an empty database and load the demo data.

Run in a subprocess against a new SQLite file, so that import-time database access or a
migration that only works on a populated database is caught."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def manage(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}"}
    env.pop("REDIS_URL", None)  # the embedded default: tasks in-process
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for browser tests only
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )


def test_migrate_and_seed_demo_on_an_empty_database_twice(tmp_path):
    db = tmp_path / "fresh.sqlite3"
    migrated = manage(db, "migrate", "--noinput")
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    first = manage(db, "seed_demo")
    assert first.returncode == 0, first.stderr[-3000:]
    assert "Demo-Pass-2026!" in first.stdout and "yanggu_mz" in first.stdout
    again = manage(db, "seed_demo")  # idempotent
    assert again.returncode == 0, again.stderr[-3000:]
    check = manage(db, "check", "--fail-level", "ERROR")
    assert check.returncode == 0, check.stderr[-3000:]


@pytest.mark.django_db(transaction=True)
def test_a_transactional_flush_leaves_the_shipped_configuration_in_place():
    """A browser test's flush must not take the deadline rules from the tests that follow it, nor
    leave behind an audit trail that a freshly migrated database does not have (the archive takes
    a prefix of the chain: one stray link before a test's own entries hides them all)."""
    from auditlog.models import LogEntry
    from django.test import TransactionTestCase

    from supervision.audit.models import ChainLink
    from supervision.deadlines.models import Rule

    assert Rule.objects.filter(code="filing.onsite_check").exists()
    TransactionTestCase(methodName="__init__")._fixture_teardown()
    assert Rule.objects.filter(code="filing.onsite_check").exists()
    assert not LogEntry.objects.exists() and not ChainLink.objects.exists()
