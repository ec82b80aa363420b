"""The audit tables are append-only in the database itself, and in the admin."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.db import IntegrityError, connection, transaction

from supervision.audit.maintenance import audit_maintenance
from supervision.audit.models import ChainLink
from supervision.core.models import SecurityEvent
from supervision.core.signals import record

pytestmark = pytest.mark.django_db

TABLES = {
    "auditlog_logentry": "object_repr",
    "core_securityevent": "detail",
    "audit_chainlink": "object_text",
}


def run_sql(sql: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql)


@pytest.fixture
def trail(world):
    from supervision.core.audit import audit

    record(SecurityEvent.Kind.EXPORT, None, world.yanggu_mz, detail="institutions")
    audit(world.yanggu, world.yanggu_mz, "rename", {"name": ("阳谷", "阳谷县")})
    assert SecurityEvent.objects.exists() and LogEntry.objects.exists() and ChainLink.objects.exists()


@pytest.mark.parametrize("table,column", TABLES.items())
def test_update_is_refused_by_the_database(trail, table, column):
    with pytest.raises(IntegrityError, match="审计日志只能追加"), transaction.atomic():
        run_sql(f"UPDATE {table} SET {column} = 'forged'")


@pytest.mark.parametrize("table", TABLES)
def test_delete_is_refused_by_the_database(trail, table):
    with pytest.raises(IntegrityError, match="审计日志只能追加"), transaction.atomic():
        run_sql(f"DELETE FROM {table}")


def test_orm_update_and_delete_are_refused(trail):
    with pytest.raises(IntegrityError), transaction.atomic():
        SecurityEvent.objects.update(detail="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        LogEntry.objects.all().delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        ChainLink.objects.all().delete()
    assert SecurityEvent.objects.filter(detail="institutions").exists()


def test_the_maintenance_switch_lets_the_archive_path_through(trail):
    with transaction.atomic():
        with audit_maintenance():
            SecurityEvent.objects.update(detail="maintenance")
        assert SecurityEvent.objects.filter(detail="maintenance").exists()
        transaction.set_rollback(True)
    with pytest.raises(IntegrityError), transaction.atomic():  # and it is off again afterwards
        SecurityEvent.objects.update(detail="x")


@pytest.mark.postgres
def test_truncate_is_refused_on_postgres(trail):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:  # pending deferred FK checks would block TRUNCATE
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    for table in TABLES:
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {table}")


def test_the_admin_cannot_delete_audit_entries(trail, client, world):
    client.force_login(world.sysadmin)
    event = SecurityEvent.objects.first()
    entry = LogEntry.objects.first()
    link = ChainLink.objects.first()
    for url in (
        f"/admin/core/securityevent/{event.pk}/delete/",
        f"/admin/auditlog/logentry/{entry.pk}/delete/",
        f"/admin/audit/chainlink/{link.pk}/delete/",
    ):
        assert client.post(url, {"post": "yes"}).status_code == 403, url
    for url in ("/admin/core/securityevent/", "/admin/auditlog/logentry/", "/admin/audit/chainlink/"):
        page = client.get(url)
        assert page.status_code == 200, url
        assert "delete_selected" not in page.content.decode(), url
        response = client.post(
            url,
            {"action": "delete_selected", "_selected_action": [event.pk, entry.pk, link.pk], "post": "yes"},
        )
        assert response.status_code in (200, 302)
    assert SecurityEvent.objects.filter(pk=event.pk).exists()
    assert LogEntry.objects.filter(pk=entry.pk).exists()
    assert ChainLink.objects.filter(pk=link.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_the_test_flush_still_empties_the_audit_tables(world):
    """Transactional tests end with a flush; on a test database it empties the audit tables too
    (the flush command runs with the maintenance switch on), anywhere else it is refused."""
    record(SecurityEvent.Kind.EXPORT, None, world.yanggu_mz, detail="flush me")
    from django.core.management import call_command

    call_command("flush", verbosity=0, interactive=False)
    assert not SecurityEvent.objects.exists() and not ChainLink.objects.exists()


def test_flush_outside_the_test_environment_is_refused(trail, monkeypatch):
    """``manage.py flush`` on a real database cannot wipe the trail: the triggers refuse it."""
    from django.core.management import CommandError, call_command

    from supervision.audit.management.commands import flush

    monkeypatch.setattr(flush, "test_environment_active", lambda: False)
    with pytest.raises(CommandError):
        call_command("flush", verbosity=0, interactive=False)
    assert SecurityEvent.objects.filter(detail="institutions").exists()
