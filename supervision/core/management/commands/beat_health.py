"""``manage.py beat_health [--max-age MINUTES]``: the Celery beat health check of docker-compose.

Beat runs with django-celery-beat's DatabaseScheduler, which records each periodic task's
``last_run_at`` in the database (synced every few minutes). A beat that has hung or lost its
broker stops moving those stamps, while its process still exists, so the check is: some
enabled periodic task has run within ``--max-age`` minutes (the deadline sweep runs every
five). It exits non-zero otherwise, which is what a compose health check needs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Max
from django.utils import timezone


class Command(BaseCommand):
    help = "Celery beat 健康检查：最近 N 分钟内是否有周期任务被调度（默认 15 分钟）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--max-age", type=int, default=15, help="允许的最长间隔（分钟）")

    def handle(self, *args: Any, **options: Any) -> None:
        from django_celery_beat.models import PeriodicTask

        last = PeriodicTask.objects.filter(enabled=True).aggregate(last=Max("last_run_at"))["last"]
        if last is None:
            raise CommandError("尚无周期任务被调度：Celery beat 未运行或尚未同步。")
        age = timezone.now() - last
        if age > dt.timedelta(minutes=options["max_age"]):
            minutes, stamp = int(age.total_seconds() // 60), timezone.localtime(last)
            raise CommandError(
                f"最近一次调度在 {minutes} 分钟前（{stamp:%Y-%m-%d %H:%M}），"
                f"超过 {options['max_age']} 分钟：Celery beat 可能已停止。"
            )
        self.stdout.write(f"Celery beat 正常：最近一次调度在 {int(age.total_seconds())} 秒前。")
