"""``manage.py workdays add 2026-09-28 20`` | ``between A B`` | ``is D``: the calendar service
from the command line (the start day is not counted; "(暂定)" marks a provisional answer)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser

from supervision.workcal import services

PROVISIONAL = " (暂定)"


def parse_date(value: str) -> dt.date:
    try:
        return dt.datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError as exc:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{value}") from exc


class Command(BaseCommand):
    help = "工作日计算：add 开始日期 天数 | between 开始日期 结束日期 | is 日期"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="开始日期之后第 N 个工作日（开始当日不计入）")
        add.add_argument("start")
        add.add_argument("days", type=int)
        between = sub.add_parser("between", help="(A, B] 内的工作日数")
        between.add_argument("start")
        between.add_argument("end")
        is_ = sub.add_parser("is", help="某日是否为工作日")
        is_.add_argument("date")

    def handle(self, *args, action: str, **options) -> None:
        try:
            if action == "add":
                due = services.add_workdays_ex(parse_date(options["start"]), options["days"])
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
