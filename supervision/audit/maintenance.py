"""The maintenance switch of the append-only audit tables.

The database refuses UPDATE, DELETE (and on PostgreSQL TRUNCATE) on the audit tables unless the
switch is on for the connection doing it. Only two paths turn it on: ``archive_audit`` (after
the rows it removes are in a signed export) and ``flush`` on a test database (the test suite
empties every table between transactional tests). On PostgreSQL the switch is the session
setting ``audit.maintenance``; on SQLite it is an SQL function (``audit_maintenance()``) this
process registers on each connection, reading a flag of this process. A connection made by
another program (the ``sqlite3`` shell) has no such function, so its UPDATE/DELETE fails."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connections

logger = logging.getLogger(__name__)
_lock = threading.Lock()
_depth = 0


def is_on() -> int:
    return 1 if _depth > 0 else 0


def register_sqlite_function(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function("audit_maintenance", 0, is_on)


@contextmanager
def audit_maintenance(using: str = "default") -> Iterator[None]:
    """Allow UPDATE/DELETE on the audit tables for the duration (this process; on PostgreSQL
    this connection's session)."""
    global _depth
    connection = connections[using]
    with _lock:
        _depth += 1
    try:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET audit.maintenance = 'on'")
        yield
    finally:
        if connection.vendor == "postgresql" and connection.connection is not None:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SET audit.maintenance = 'off'")
            except Exception:  # an aborted transaction rolls the SET back itself
                logger.debug("audit maintenance switch left to the rollback", exc_info=True)
        with _lock:
            _depth -= 1
