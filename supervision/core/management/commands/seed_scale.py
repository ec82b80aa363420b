"""``manage.py seed_scale --institutions N [--deadlines M]``: large synthetic data for benchmarks.

Each app may provide ``demo.seed_scale(count=..., stdout=...)``; the count comes from the option
the module names in ``SCALE_OPTION`` (default ``institutions``), so e.g. the deadlines app sets
``SCALE_OPTION = "deadlines"``. Apps are visited in INSTALLED_APPS order."""

from __future__ import annotations

import importlib
import time
from typing import Any

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

SCALE_OPTIONS = ("institutions", "deadlines")


class Command(BaseCommand):
    help = "批量生成压测数据（如 --institutions 400000），各应用通过 demo.seed_scale 提供。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--institutions", type=int, default=1000, help="机构数量")
        parser.add_argument("--deadlines", type=int, default=0, help="时限事项数量")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("load_reference_data", stdout=self.stdout, stderr=self.stderr)
        ran = 0
        consumed: set[str] = set()
        for config in apps.get_app_configs():
            try:
                module = importlib.import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.demo":
                    raise
                continue
            fn = getattr(module, "seed_scale", None)
            if fn is None:
                continue
            option = getattr(module, "SCALE_OPTION", "institutions")
            consumed.add(option)
            count = options.get(option) or 0
            if count <= 0:
                continue
            started = time.perf_counter()
            fn(count=count, stdout=self.stdout)
            ran += 1
            self.stdout.write(f"{config.label}: {count} 条，用时 {time.perf_counter() - started:.1f} 秒")
        for option in SCALE_OPTIONS:
            if (options.get(option) or 0) > 0 and option not in consumed:
                self.stderr.write(f"--{option}：没有应用提供这类压测数据（demo.seed_scale），已忽略。")
        if not ran:
            self.stdout.write("没有应用提供 seed_scale，未生成数据。")
