"""Backups of the portal: the database and the private file store, with a manifest of checksums.

``manage.py backup`` writes a directory::

    backup-20261201T020000Z/
      manifest.json        what is in it, each file with its size and SHA-256
      database.dump        PostgreSQL: ``pg_dump --format=custom`` (restored with pg_restore)
      database.sqlite3     SQLite instead: an online copy through SQLite's backup API
      private/...          every file of PRIVATE_STORAGE_ROOT (evidence, issued documents)

``manage.py restore DIR --database NAME`` first checks every checksum of the manifest (a
damaged or altered backup is refused before anything is written), then restores the database
into NAME, a database that must not exist yet or be empty (PostgreSQL: created; SQLite: a new
file), and the private files into ``--files-to`` (an empty directory). It never overwrites the
database the portal is running on.

What a backup does not hold: the keys in the environment (``DJANGO_SECRET_KEY``,
``PERSONAL_DATA_KEY``, the personal-data encryption key, the audit archive key). Keep them in
the deployment's secret store: without them the encrypted personal data of a backup cannot be
read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess  # nosec B404 # pg_dump / pg_restore / createdb with fixed argument lists
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

MANIFEST = "manifest.json"
FORMAT = 1
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore refused, with a Chinese message for the operator."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _entry(root: Path, path: Path) -> dict[str, Any]:
    return {"path": path.relative_to(root).as_posix(), "size": path.stat().st_size, "sha256": sha256_of(path)}


@dataclass
class PgParams:
    name: str
    user: str
    password: str
    host: str
    port: str

    @classmethod
    def from_settings(cls, db: Any, name: str | None = None) -> PgParams:
        return cls(
            name=name or str(db["NAME"]),
            user=str(db.get("USER") or ""),
            password=str(db.get("PASSWORD") or ""),
            host=str(db.get("HOST") or ""),
            port=str(db.get("PORT") or ""),
        )

    def args(self) -> list[str]:
        out: list[str] = []
        if self.host:
            out += ["--host", self.host]
        if self.port:
            out += ["--port", self.port]
        if self.user:
            out += ["--username", self.user]
        return out

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        if self.password:
            env["PGPASSWORD"] = self.password
        return env


def _run(argv: list[str], env: dict[str, str]) -> None:
    tool = shutil.which(argv[0])
    if tool is None:
        raise BackupError(f"找不到 {argv[0]}：请安装 PostgreSQL 客户端工具（postgresql-client）。")
    result = subprocess.run(  # nosec B603 # fixed argv, no shell; the names come from settings
        [tool, *argv[1:]], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{argv[0]} 失败（退出码 {result.returncode}）：{result.stderr.strip()[-2000:]}")


def _applied_migrations(alias: str) -> dict[str, str]:
    """The last applied migration of each app: what a restore must be migrated from."""
    last: dict[str, str] = {}
    for app, name in MigrationRecorder(connections[alias]).applied_migrations():
        if name > last.get(app, ""):
            last[app] = name
    return dict(sorted(last.items()))


def backup(target_parent: Path, alias: str = "default", now: dt.datetime | None = None) -> Path:
    """Write a new backup directory under ``target_parent``; returns its path."""
    now = now or timezone.now()
    db = settings.DATABASES[alias]
    vendor = connections[alias].vendor
    stamp = now.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    target = Path(target_parent) / f"backup-{stamp}"
    if target.exists():
        raise BackupError(f"备份目录已存在：{target}")
    target.mkdir(parents=True)
    try:
        if vendor == "postgresql":
            dump = target / "database.dump"
            pg = PgParams.from_settings(db)
            _run(["pg_dump", "--format=custom", "--file", str(dump), *pg.args(), pg.name], pg.env())
        elif vendor == "sqlite":
            dump = target / "database.sqlite3"
            connection = connections[alias]
            connection.ensure_connection()
            destination = sqlite3.connect(dump)
            try:
                connection.connection.backup(destination)  # consistent even while the portal runs
            finally:
                destination.close()
        else:
            raise BackupError(f"不支持的数据库类型：{vendor}")
        private_root = Path(settings.PRIVATE_STORAGE_ROOT)
        files: list[dict[str, Any]] = []
        if private_root.is_dir():
            shutil.copytree(private_root, target / "private", symlinks=False)
            files = [_entry(target, p) for p in sorted((target / "private").rglob("*")) if p.is_file()]
        manifest = {
            "format": FORMAT,
            "created_at": now.isoformat(),
            "engine": vendor,
            "database": _entry(target, dump),
            "files": files,
            "migrations": _applied_migrations(alias),
        }
        (target / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    return target


def read_manifest(source: Path) -> dict[str, Any]:
    path = Path(source) / MANIFEST
    if not path.is_file():
        raise BackupError(f"不是备份目录（缺少 {MANIFEST}）：{source}")
    manifest = json.loads(path.read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"无法识别的备份格式：{manifest.get('format')!r}")
    return manifest


def verify(source: Path) -> dict[str, Any]:
    """Check every file of the manifest (presence, size, SHA-256) and that no file was added
    beside them; raises ``BackupError`` naming the first problem."""
    source = Path(source)
    manifest = read_manifest(source)
    entries = [manifest["database"], *manifest["files"]]
    for entry in entries:
        path = source / entry["path"]
        if not path.is_file():
            raise BackupError(f"备份不完整，缺少文件：{entry['path']}")
        if path.stat().st_size != entry["size"] or sha256_of(path) != entry["sha256"]:
            raise BackupError(f"校验失败，文件已损坏或被改动：{entry['path']}")
    listed = {e["path"] for e in entries} | {MANIFEST}
    extra = sorted(
        p.relative_to(source).as_posix()
        for p in source.rglob("*")
        if p.is_file() and p.relative_to(source).as_posix() not in listed
    )
    if extra:
        raise BackupError(f"备份中有清单之外的文件：{extra[0]}")
    return manifest


def _pg_database_exists(alias: str, name: str) -> bool:
    with connections[alias].cursor() as cursor:  # any connection of the server reads pg_database
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def restore(
    source: Path, database: str, files_to: Path | None = None, alias: str = "default"
) -> dict[str, Any]:
    """Restore a verified backup into the new database ``database`` (and the private files into
    ``files_to``). Returns the manifest."""
    source = Path(source)
    manifest = verify(source)
    db = settings.DATABASES[alias]
    engine = manifest["engine"]
    if files_to is not None:
        files_to = Path(files_to)
        if files_to.resolve() == Path(settings.PRIVATE_STORAGE_ROOT).resolve():
            raise BackupError("不能把文件恢复到正在使用的私有文件目录；请恢复到新目录后再切换。")
        if files_to.exists() and any(files_to.iterdir()):
            raise BackupError(f"文件恢复目录不为空，拒绝覆盖：{files_to}")
    dump = source / manifest["database"]["path"]
    if engine == "postgresql":
        if connections[alias].vendor != "postgresql":
            raise BackupError("这是 PostgreSQL 备份，当前配置的数据库不是 PostgreSQL。")
        if database == db["NAME"]:
            raise BackupError(f"不能恢复到正在使用的数据库 {database}；请恢复到新数据库后再切换。")
        pg = PgParams.from_settings(db, name=database)
        if _pg_database_exists(alias, database):
            raise BackupError(f"数据库 {database} 已存在，拒绝覆盖；请指定一个新数据库名。")
        _run(["createdb", *pg.args(), database], pg.env())
        restore_args = ["--no-owner", "--no-privileges", "--exit-on-error", *pg.args()]
        _run(["pg_restore", *restore_args, "--dbname", database, str(dump)], pg.env())
    elif engine == "sqlite":
        target = Path(database)
        live = Path(str(db["NAME"])) if connections[alias].vendor == "sqlite" else None
        if live is not None and target.resolve() == live.resolve():
            raise BackupError(f"不能恢复到正在使用的数据库文件 {database}；请恢复到新文件后再切换。")
        if target.exists() and target.stat().st_size > 0:
            raise BackupError(f"数据库文件 {database} 已存在，拒绝覆盖；请指定一个新文件。")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(dump, target)
    else:
        raise BackupError(f"不支持的数据库类型：{engine}")
    if files_to is not None and (source / "private").is_dir():
        shutil.copytree(source / "private", files_to, dirs_exist_ok=True)
        for entry in manifest["files"]:  # the copy itself, checked again
            restored = files_to / Path(entry["path"]).relative_to("private")
            if sha256_of(restored) != entry["sha256"]:
                raise BackupError(f"文件恢复后校验失败：{entry['path']}")
    return manifest
