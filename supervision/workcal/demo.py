"""Demo data: the first year the package does not know, listed as not yet published, so the
administrator sees where to enter the State Council's schedule when it comes out."""

from __future__ import annotations

from django.utils import timezone

from .models import YearSchedule
from .services import package_knows


def seed(stdout) -> None:
    year = timezone.localdate().year
    while package_knows(year):
        year += 1
    _schedule, created = YearSchedule.objects.get_or_create(
        year=year, defaults={"note": "国务院办公厅放假安排发布后，在此录入放假和调休日期并发布"}
    )
    state = "已列为待发布" if created else "已存在"
    stdout.write(f"workcal: {year} 年放假安排{state}（发布前按法定节假日暂定计算）\n")
