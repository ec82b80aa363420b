"""``manage.py verify_audit_chain``: walk the audit hash chain and name the first broken link;
exit status 1 when the chain does not hold or an append-only trigger is missing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from supervision.audit.chain import verify
from supervision.audit.triggers import missing_triggers


class Command(BaseCommand):
    help = "校验审计日志哈希链，指出第一处断开的记录（失败时退出码非零）。"

    def handle(self, *args: Any, **options: Any) -> None:
        result = verify()
        problems = [] if result.ok else [result.message]
        missing = missing_triggers()
        if missing:
            problems.append("审计表的只追加触发器缺失：" + "、".join(missing))
        if problems:
            raise CommandError("\n".join(problems))
        self.stdout.write(result.message)
