"""Retention and archiving: old entries leave the database only through a signed export that
verifies on its own, an audit entry of the archiving, and a chain that still verifies."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from supervision.audit.archive import verify_archive
from supervision.audit.chain import verify
from supervision.audit.models import ChainHead, ChainLink
from supervision.core.models import SecurityEvent
from supervision.core.signals import record

pytestmark = pytest.mark.django_db


def at(day: dt.date):
    return time_machine.travel(timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0))), tick=False)


@pytest.fixture
def old_and_new(db, request):
    """Entries from January 2026 (older than 180 days on 2026-12-01), then this week's."""
    from supervision.core.models import Domain

    with at(dt.date(2026, 1, 5)):
        for i in range(3):
            record(SecurityEvent.Kind.LOGIN, None, username="yanggu_mz", detail=f"january {i}")
        Domain.objects.create(code="elderly_meals", name="老年助餐")  # a row change (LogEntry)
    world = request.getfixturevalue("world")
    with at(dt.date(2026, 11, 30)):
        record(SecurityEvent.Kind.EXPORT, None, world.yanggu_mz, detail="this week")


def test_archive_writes_a_signed_verifiable_export_and_an_entry_then_removes_the_rows(old_and_new, tmp_path):
    old = list(ChainLink.objects.filter(at__lt=timezone.make_aware(dt.datetime(2026, 3, 1))).order_by("seq"))
    assert old and SecurityEvent.objects.filter(detail__startswith="january").count() == 3
    out = StringIO()
    call_command("archive_audit", "--before", "2026-03-01", "--output", str(tmp_path), stdout=out)
    assert f"已归档 {len(old)} 条审计记录" in out.getvalue()

    (folder,) = tmp_path.iterdir()
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["from_seq"] == old[0].seq and manifest["to_seq"] == old[-1].seq
    assert manifest["count"] == len(old) and manifest["tail_digest"] == old[-1].digest
    lines = (folder / "entries.jsonl").read_text().splitlines()
    assert any("january 1" in line for line in lines)
    assert verify_archive(folder).ok
    verified = StringIO()
    call_command("archive_audit", "--verify", str(folder), stdout=verified)
    assert "归档完整" in verified.getvalue()

    # the rows and their links left the database, the trail records the archiving, and the
    # chain still verifies from the archive's last link (the new anchor)
    assert not SecurityEvent.objects.filter(detail__startswith="january").exists()
    assert not ChainLink.objects.filter(seq__lte=old[-1].seq).exists()
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.ARCHIVE)
    assert f"第 {old[0].seq}–{old[-1].seq} 条" in event.detail
    head = ChainHead.objects.get(pk=1)
    assert head.anchor_seq == old[-1].seq and head.anchor_digest == old[-1].digest
    assert verify().ok, verify().message
    assert SecurityEvent.objects.filter(detail="this week").exists()


def test_a_tampered_archive_fails_verification(old_and_new, tmp_path):
    call_command("archive_audit", "--before", "2026-03-01", "--output", str(tmp_path), stdout=StringIO())
    (folder,) = tmp_path.iterdir()
    entries = folder / "entries.jsonl"
    entries.write_text(entries.read_text().replace("january 1", "january 9"))
    assert not verify_archive(folder).ok
    with pytest.raises(CommandError, match="校验和"):
        call_command("archive_audit", "--verify", str(folder))
    manifest = folder / "manifest.json"
    manifest.write_text(manifest.read_text().replace('"count"', '"count" ', 1))
    assert "签名无效" in verify_archive(folder).message


def test_entries_younger_than_the_retention_period_are_never_archived(old_and_new, tmp_path):
    with pytest.raises(CommandError, match="至少保存 180 天"):
        call_command("archive_audit", "--before", "2026-11-01", "--output", str(tmp_path))
    assert not list(tmp_path.iterdir())
    assert SecurityEvent.objects.filter(detail__startswith="january").count() == 3


def test_retention_cannot_be_set_below_180_days():
    import importlib
    import os

    from supervision import settings as portal_settings

    os.environ["AUDIT_RETENTION_DAYS"] = "30"
    try:
        assert importlib.reload(portal_settings).AUDIT_RETENTION_DAYS == 180
    finally:
        del os.environ["AUDIT_RETENTION_DAYS"]
        importlib.reload(portal_settings)


def test_a_broken_chain_is_not_archived(old_and_new, tmp_path):
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER core_securityevent_no_update")
        else:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE core_securityevent DISABLE TRIGGER USER")
        cursor.execute("UPDATE core_securityevent SET detail = 'x' WHERE detail = 'january 0'")
    with pytest.raises(CommandError, match="审计链校验未通过"):
        call_command("archive_audit", "--before", "2026-03-01", "--output", str(tmp_path))
