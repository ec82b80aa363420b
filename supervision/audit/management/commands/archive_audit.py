"""``manage.py archive_audit --before 2026-06-01``: move audit entries older than the date (and
older than the retention period) into a signed export, leave an audit entry, then remove them.
``--verify DIR`` checks an archive written earlier."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from supervision.audit.archive import ArchiveRefused, archive, verify_archive


class Command(BaseCommand):
    help = (
        "归档早于指定日期（且超过保存期限）的审计记录：先生成签名导出，再记录归档事件，最后删除已归档记录。"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--before", type=dt.date.fromisoformat, help="归档此日期（YYYY-MM-DD）之前的记录")
        parser.add_argument("--output", default=None, help="归档目录（默认 AUDIT_ARCHIVE_DIR）")
        parser.add_argument("--verify", default=None, metavar="DIR", help="校验已有的归档目录")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["verify"]:
            result = verify_archive(options["verify"])
            if not result.ok:
                raise CommandError(result.message)
            self.stdout.write(result.message)
            return
        if options["before"] is None:
            raise CommandError("请用 --before YYYY-MM-DD 指定归档截止日期。")
        try:
            outcome = archive(options["before"], options["output"])
        except ArchiveRefused as exc:
            raise CommandError(str(exc)) from exc
        if not outcome["count"]:
            self.stdout.write("没有需要归档的审计记录。")
            return
        self.stdout.write(f"已归档 {outcome['count']} 条审计记录至 {outcome['path']}。")
