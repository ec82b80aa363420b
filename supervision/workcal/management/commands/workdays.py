"""``manage.py workdays add 2026-09-28 20`` | ``between A B`` | ``is D``: the calendar service
from the command line (the start day is not counted; "(暂定)" marks a provisional answer).

Arguments are parsed here rather than by argparse so that every mistake (a missing argument,
a non-date, a non-integer count) is reported in Chinese like the API does."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from supervision.workcal import services

PROVISIONAL = " (暂定)"
USAGE = {
    "add": "workdays add 开始日期 工作日数，如：workdays add 2026-09-28 20",
    "between": "workdays between 开始日期 结束日期，如：workdays between 2026-09-28 2026-10-30",
    "is": "workdays is 日期，如：workdays is 2026-10-10",
}


def parse_date(value: str) -> dt.date:
    try:
        return dt.datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError as exc:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{value}") from exc


def parse_days(value: str) -> int:
    try:
        days = int(value)
    except ValueError as exc:
        raise CommandError(f"工作日数应为整数：{value}") from exc
    if abs(days) > services.MAX_DAYS:
        raise CommandError(f"工作日数应在 -{services.MAX_DAYS} 至 {services.MAX_DAYS} 之间：{value}")
    return days


class Command(BaseCommand):
    help = "工作日计算：add 开始日期 工作日数（负数向前数） | between 开始日期 结束日期 | is 日期"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="开始日期之后第 N 个工作日（开始当日不计入；N 为负数时向前数）")
        add.add_argument("start", nargs="?", help="开始日期 YYYY-MM-DD")
        add.add_argument("days", nargs="?", help="工作日数")
        between = sub.add_parser("between", help="(开始日期, 结束日期] 内的工作日数")
        between.add_argument("start", nargs="?", help="开始日期 YYYY-MM-DD")
        between.add_argument("end", nargs="?", help="结束日期 YYYY-MM-DD")
        is_ = sub.add_parser("is", help="某日是否为工作日")
        is_.add_argument("date", nargs="?", help="日期 YYYY-MM-DD")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        needed = {"add": ("start", "days"), "between": ("start", "end"), "is": ("date",)}[action]
        if any(options.get(name) is None for name in needed):
            raise CommandError(f"参数不足。用法：{USAGE[action]}")
        try:
            if action == "add":
                start, days = parse_date(options["start"]), parse_days(options["days"])
                due = services.add_workdays_ex(start, days)
                self.stdout.write(f"{due.due:%Y-%m-%d}{PROVISIONAL if due.provisional else ''}")
            elif action == "between":
                a, b = parse_date(options["start"]), parse_date(options["end"])
                count = services.workdays_between(a, b)
                self.stdout.write(f"{count}{PROVISIONAL if services.is_provisional_span(a, b) else ''}")
            else:
                info = services.day_info(parse_date(options["date"]))
                text = "工作日" if info.workday else "休息日"
                if info.name:
                    text += f"（{info.name}）"
                self.stdout.write(f"{info.date:%Y-%m-%d} {text}{PROVISIONAL if info.provisional else ''}")
        except services.CalendarRangeError as exc:
            raise CommandError(str(exc)) from exc
