"""``manage.py restore DIR --database NAME [--files-to DIR]``: check every checksum of a backup,
then restore it into a new database (and the private files into a new directory). It never
overwrites the database or the file store the portal is running on; switch over afterwards by
pointing ``DATABASE_URL`` and ``PRIVATE_STORAGE_ROOT`` at the restored copies."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from supervision.core import backups


class Command(BaseCommand):
    help = "校验备份清单中的全部 SHA-256 后，把备份恢复到一个新数据库（及新的私有文件目录）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", help="manage.py backup 生成的 backup-<时间> 目录")
        parser.add_argument(
            "--database", required=True, help="恢复到的新数据库名（PostgreSQL）或新数据库文件路径（SQLite）"
        )
        parser.add_argument("--files-to", default=None, help="恢复私有文件的新目录（须不存在或为空）")
        parser.add_argument("--verify-only", action="store_true", help="只校验备份，不恢复")

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["source"])
        try:
            if options["verify_only"]:
                manifest = backups.verify(source)
                self.stdout.write(self.style.SUCCESS(f"备份校验通过：{len(manifest['files']) + 1} 个文件"))
                return
            files_to = Path(options["files_to"]) if options["files_to"] else None
            manifest = backups.restore(source, options["database"], files_to=files_to)
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"恢复完成：数据库 {options['database']}，文件 {len(manifest['files'])} 个"
                + (f" → {files_to}" if files_to else "（未恢复文件：未指定 --files-to）")
            )
        )
        self.stdout.write("切换前请运行 manage.py migrate 与抽查（登录、列表、文书下载、审计链校验）。")
