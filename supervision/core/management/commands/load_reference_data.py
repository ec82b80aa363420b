"""``manage.py load_reference_data``: regions, domains, departments and the remit matrix."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from supervision.core.management.reference import load_reference_data


class Command(BaseCommand):
    help = "加载随代码发布的参考数据：行政区划、监管领域、部门及职责清单（可重复执行）。"

    def handle(self, *args: Any, **options: Any) -> None:
        summary = load_reference_data()
        for line, reason in summary.regions.errors:
            self.stderr.write(f"regions.csv 第 {line} 行：{reason}")
        self.stdout.write(
            f"参考数据已加载：行政区划 {summary.regions.imported} 个（新增 {summary.regions.created}），"
            f"监管领域 {summary.domains} 个，部门 {summary.departments} 个，职责清单 {summary.remits} 条。"
        )
