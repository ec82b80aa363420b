"""Whether the append-only triggers are in place (a table rebuilt by a later migration on
SQLite loses its triggers; ``verify_audit_chain`` reports it)."""

from __future__ import annotations

from django.db import connection

TABLES = ("auditlog_logentry", "core_securityevent", "audit_chainlink")


def missing_triggers() -> list[str]:
    expected: list[str] = []
    if connection.vendor == "sqlite":
        expected = [f"{t}_no_{op}" for t in TABLES for op in ("update", "delete")]
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            present = {row[0] for row in cursor.fetchall()}
    elif connection.vendor == "postgresql":
        expected = [f"{t}_{kind}" for t in TABLES for kind in ("append_only", "no_truncate")]
        with connection.cursor() as cursor:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
            present = {row[0] for row in cursor.fetchall()}
    else:
        return []
    return [name for name in expected if name not in present]
