"""Append-only audit tables, refused by the database itself: UPDATE and DELETE on the row-change
log (auditlog_logentry), the security events (core_securityevent) and the chain links
(audit_chainlink) raise an error, and on PostgreSQL so does TRUNCATE. The maintenance switch
(supervision/audit/maintenance.py) lets only ``archive_audit`` and the test suite's flush
through: on PostgreSQL the session setting ``audit.maintenance = 'on'``, on SQLite the SQL
function ``audit_maintenance()`` that this application registers on its own connections (any
other client lacks it and is refused)."""

from __future__ import annotations

from django.db import migrations

TABLES = ("auditlog_logentry", "core_securityevent", "audit_chainlink")
MESSAGE = "审计日志只能追加，不能修改或删除（归档须使用 archive_audit 命令）。"

POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$
BEGIN
    IF coalesce(current_setting('audit.maintenance', true), '') = 'on' THEN
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""


def postgres_forward(table: str) -> str:
    return f"""
DROP TRIGGER IF EXISTS {table}_append_only ON {table};
CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};
CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
"""


def postgres_backward(table: str) -> str:
    return f"""
DROP TRIGGER IF EXISTS {table}_append_only ON {table};
DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};
"""


def sqlite_forward(table: str) -> list[str]:
    return [
        f"""CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()} BEFORE {op} ON {table}
    FOR EACH ROW WHEN audit_maintenance() = 0
BEGIN
    SELECT RAISE(ABORT, '{MESSAGE}');
END;"""
        for op in ("UPDATE", "DELETE")
    ]


def sqlite_backward(table: str) -> list[str]:
    return [f"DROP TRIGGER IF EXISTS {table}_no_{op};" for op in ("update", "delete")]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FUNCTION)
        for table in TABLES:
            schema_editor.execute(postgres_forward(table))
    elif vendor == "sqlite":
        for table in TABLES:
            for sql in sqlite_forward(table):
                schema_editor.execute(sql)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(postgres_backward(table))
        schema_editor.execute("DROP FUNCTION IF EXISTS audit_refuse_change();")
    elif vendor == "sqlite":
        for table in TABLES:
            for sql in sqlite_backward(table):
                schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_chain"),
        ("auditlog", "0017_add_actor_email"),
        ("core", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
