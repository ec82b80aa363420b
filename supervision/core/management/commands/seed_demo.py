"""``manage.py seed_demo``: reference data, demo accounts, then every app's demo data."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from supervision.core import demo


class Command(BaseCommand):
    help = "加载参考数据和演示数据（演示账号、各应用的示例数据），可重复执行，最后打印演示账号。"

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("load_reference_data", stdout=self.stdout, stderr=self.stderr)
        demo.seed(self.stdout)
        # Other floors in INSTALLED_APPS order, so each may use what the floors below created.
        for module in demo.demo_modules():
            if module is demo:
                continue
            self.stdout.write(f"演示数据：{module.__name__.removesuffix('.demo')}")
            module.seed(self.stdout)
        self.stdout.write("")
        self.stdout.write(demo.accounts_table())
        self.stdout.write("")
        self.stdout.write(f"所有演示账号的密码：{demo.DEMO_PASSWORD}")
