"""``manage.py load_rules``: create the documents' clocks that are missing, link departments
and create the shipped regional overrides whose regions exist (idempotent; never overwrites
an administrator's edits). ``--override RULE REGION_CODE LENGTH`` adds or changes one
regional override (e.g. ``--override inspection.yearly_coverage 120104000000 182``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from supervision.core.models import Department, Region

from ...models import Rule, RuleOverride
from ...rules_data import load


class Command(BaseCommand):
    help = "加载文件规定的时限规则及地区调整"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--override", nargs=3, metavar=("RULE", "REGION_CODE", "LENGTH"))
        parser.add_argument("--source", default="", help="地区调整的依据文件")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["override"]:
            code, region_code, length = options["override"]
            rule = Rule.objects.filter(code=code).first()
            region = Region.objects.filter(code=region_code).first()
            if rule is None:
                raise CommandError(f"规则不存在：{code}")
            if region is None:
                raise CommandError(f"区划不存在：{region_code}")
            if not length.isdigit() or int(length) < 1:
                raise CommandError("时限长度须为正整数")
            obj, created = RuleOverride.objects.update_or_create(
                rule=rule,
                region=region,
                case="",
                defaults={"length": int(length), "source_document": options["source"]},
            )
            self.stdout.write(f"{'新增' if created else '更新'}地区调整：{obj}（{obj.length}）")
            return
        made, over = load(Rule, RuleOverride, Department, Region)
        self.stdout.write(f"时限规则：新增 {made} 条；地区调整：新增 {over} 条")
