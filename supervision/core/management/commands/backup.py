"""``manage.py backup [--output DIR]``: the database and the private file store, with a manifest
of SHA-256 checksums (supervision/core/backups.py; README "Backups" gives the schedule)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from supervision.core import backups


class Command(BaseCommand):
    help = (
        "备份数据库（PostgreSQL 用 pg_dump 自定义格式；SQLite 复制数据库文件）和私有文件库，"
        "附带 SHA-256 校验清单。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            default=str(getattr(settings, "BACKUP_ROOT", Path(settings.BASE_DIR) / "backups")),
            help="在此目录下新建 backup-<时间> 目录（默认 BACKUP_ROOT 或 ./backups）",
        )
        parser.add_argument("--database", default="default", help="settings.DATABASES 中的别名")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            target = backups.backup(Path(options["output"]), alias=options["database"])
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = backups.read_manifest(target)
        size = manifest["database"]["size"] + sum(f["size"] for f in manifest["files"])
        self.stdout.write(
            self.style.SUCCESS(
                f"备份完成：{target}（数据库 {manifest['engine']}，文件 {len(manifest['files'])} 个，"
                f"共 {size / 1024 / 1024:.1f} MB）"
            )
        )
        self.stdout.write(str(target))
