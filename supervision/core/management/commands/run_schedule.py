"""The embedded default's scheduler: run the periodic tasks of ``CELERY_BEAT_SCHEDULE`` in this
process, at their intervals, with no broker.

``make run`` starts it beside the development server when ``REDIS_URL`` is unset (Celery then
runs tasks in-process), so reminders, escalations and listing expiries happen on a laptop as
they do in production under Celery beat. With ``REDIS_URL`` set, run ``make worker`` and
``make beat`` instead: this command refuses, so that no schedule runs twice.

Every scheduled task is idempotent (the sweep claims through a unique constraint), so a
restart, or ``--once`` run by hand, never sends anything twice."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "在本进程内按计划运行定时任务（嵌入式默认配置；生产环境请使用 Celery beat）。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="每个定时任务运行一次后退出")
        parser.add_argument("--tick", type=float, default=5.0, help="检查间隔（秒）")

    def handle(self, *args: Any, **options: Any) -> None:
        if getattr(settings, "REDIS_URL", None) and not options["once"]:
            raise CommandError(
                "已配置 REDIS_URL：请运行 Celery worker 与 beat（make worker / make beat），不要重复调度。"
            )
        from supervision.celery import app

        app.loader.import_default_modules()  # autodiscovery: the apps' tasks modules
        self.tasks = app.tasks
        schedule = {
            name: (entry["task"], float(entry["schedule"]))
            for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
        }
        due_at = dict.fromkeys(schedule, 0.0)
        while True:
            now = time.monotonic()
            for name, (task_name, interval) in schedule.items():
                if now < due_at[name]:
                    continue
                due_at[name] = now + interval
                self._run(name, task_name)
            if options["once"]:
                return
            time.sleep(options["tick"])

    def _run(self, name: str, task_name: str) -> None:
        task = self.tasks.get(task_name)
        if task is None:
            self.stderr.write(f"定时任务 {name}：未找到任务 {task_name}")
            return
        try:
            result = task.apply()
        except Exception as exc:  # one failing task must not stop the others
            self.stderr.write(f"定时任务 {name} 失败：{exc!r}")
            return
        if result.failed():
            self.stderr.write(f"定时任务 {name} 失败：{result.result!r}")
        else:
            self.stdout.write(f"定时任务 {name} 完成")
