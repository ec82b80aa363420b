"""``manage.py backup`` / ``restore``: what is backed up comes back byte for byte, a damaged or
altered backup is refused before anything is written, and nothing live is ever overwritten.

The SQLite tests run everywhere (``make run`` users back up too); the restore drill runs on
PostgreSQL (CI): back up the demo, restore it into a fresh database, and run the smoke checks
of ``smoke.py`` (sign-in, a list, a document download, the file store, the audit chain) in a
process of its own against the restored copy."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import uuid
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from supervision.core import backups

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def private_store(settings, tmp_path):
    root = tmp_path / "private"
    (root / "evidence" / "2026" / "12").mkdir(parents=True)
    (root / "evidence" / "2026" / "12" / "photo.jpg").write_bytes(b"\xff\xd8 not really a photo")
    (root / "documents").mkdir()
    (root / "documents" / "notice.pdf").write_bytes(b"%PDF-1.7 a notice")
    settings.PRIVATE_STORAGE_ROOT = root
    return root


def run_backup(tmp_path: Path) -> Path:
    out = StringIO()
    call_command("backup", "--output", str(tmp_path / "backups"), stdout=out)
    return Path(out.getvalue().strip().splitlines()[-1])


sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite file copy")


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_sqlite_backup_and_restore_round_trip(world, private_store, tmp_path):
    target = run_backup(tmp_path)
    manifest = json.loads((target / "manifest.json").read_text())
    assert manifest["engine"] == "sqlite"
    assert {f["path"] for f in manifest["files"]} == {
        "private/evidence/2026/12/photo.jpg",
        "private/documents/notice.pdf",
    }
    assert all(len(f["sha256"]) == 64 for f in [manifest["database"], *manifest["files"]])
    assert manifest["migrations"]["core"].startswith("0")

    restored_db, restored_files = tmp_path / "restored.sqlite3", tmp_path / "restored-private"
    out = StringIO()
    call_command(
        "restore", str(target), "--database", str(restored_db), "--files-to", str(restored_files), stdout=out
    )
    assert "恢复完成" in out.getvalue()
    with sqlite3.connect(restored_db) as db:
        users = {row[0] for row in db.execute("SELECT username FROM core_user")}
    assert {"yanggu_mz", "dongchangfu_mz", "outsider"} <= users
    assert (restored_files / "documents" / "notice.pdf").read_bytes() == b"%PDF-1.7 a notice"
    assert (restored_files / "evidence/2026/12/photo.jpg").read_bytes() == b"\xff\xd8 not really a photo"


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_an_altered_backup_is_refused_before_anything_is_written(world, private_store, tmp_path):
    target = run_backup(tmp_path)
    (target / "private" / "documents" / "notice.pdf").write_bytes(b"%PDF-1.7 a forged notice")
    restored_db = tmp_path / "restored.sqlite3"
    with pytest.raises(CommandError, match=r"校验失败.*private/documents/notice\.pdf"):
        call_command(
            "restore", str(target), "--database", str(restored_db), "--files-to", str(tmp_path / "r")
        )
    assert not restored_db.exists() and not (tmp_path / "r").exists()
    with pytest.raises(CommandError, match="校验失败"):
        call_command("restore", str(target), "--verify-only", "--database", "x", stdout=StringIO())


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_missing_or_extra_files_are_refused(world, private_store, tmp_path):
    target = run_backup(tmp_path)
    (target / "private" / "evidence" / "planted.exe").write_bytes(b"MZ")
    with pytest.raises(backups.BackupError, match="清单之外的文件"):
        backups.verify(target)
    (target / "private" / "evidence" / "planted.exe").unlink()
    (target / "private" / "documents" / "notice.pdf").unlink()
    with pytest.raises(backups.BackupError, match="缺少文件"):
        backups.verify(target)


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_restore_never_overwrites(world, private_store, tmp_path):
    target = run_backup(tmp_path)
    existing = tmp_path / "existing.sqlite3"
    existing.write_bytes(b"SQLite format 3\x00 someone's data")
    with pytest.raises(CommandError, match="已存在，拒绝覆盖"):
        call_command("restore", str(target), "--database", str(existing))
    assert existing.read_bytes() == b"SQLite format 3\x00 someone's data"
    with pytest.raises(CommandError, match="正在使用的私有文件目录"):
        call_command(
            "restore",
            str(target),
            "--database",
            str(tmp_path / "new.sqlite3"),
            "--files-to",
            str(private_store),
        )


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the restore drill needs PostgreSQL (DATABASE_URL)"
)
@pytest.mark.django_db(transaction=True)
def test_restore_drill_on_postgresql(settings, tmp_path):
    """Back up the demo, restore it into a fresh database and smoke-check the restored copy."""
    from django.conf import global_settings

    from supervision.core.demo import DEMO_PASSWORD
    from supervision.documents.models import OfficialDocument

    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    # The restored portal runs with the real hashers, not the suite's fast one.
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    call_command("seed_demo", stdout=StringIO())
    assert OfficialDocument.objects.exists(), "the demo issues at least one document"
    target = run_backup(tmp_path)
    assert json.loads((target / "manifest.json").read_text())["engine"] == "postgresql"

    name = f"restore_drill_{uuid.uuid4().hex[:8]}"
    files_to = tmp_path / "restored-private"
    call_command("restore", str(target), "--database", name, "--files-to", str(files_to), stdout=StringIO())
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"
    try:
        env = {**os.environ, "DATABASE_URL": url, "PRIVATE_STORAGE_ROOT": str(files_to)}
        env.pop("REDIS_URL", None)
        result = subprocess.run(  # nosec B603 # fixed argv: this interpreter and the smoke script
            [sys.executable, str(ROOT / "tests" / "backup" / "smoke.py"), "yanggu_mz", DEMO_PASSWORD],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        print(result.stdout)
        assert result.returncode == 0, result.stdout + result.stderr
        for line in ("ok sign-in", "ok list", "ok document", "ok files"):
            assert line in result.stdout
        if "skip audit-chain" in result.stdout:
            pytest.skip("restored and smoke-checked; the audit-chain check awaits verify_audit_chain")
        assert "ok audit-chain" in result.stdout
    finally:
        connection.close()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')  # nosec B608 # a generated name
