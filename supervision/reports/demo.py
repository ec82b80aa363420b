"""Demo data: the November 2026 monthly report (监管工作月报) of 阳谷县 — the county asks its
townships for theirs (drafts and report-by clocks), 博济桥街道 submits its own, the others are
still missing; and the county's own report, prepared and waiting to go to the city. Pinned
period, idempotent (one report per unit and period)."""

from __future__ import annotations

from typing import Any

YEAR, MONTH = 2026, 11


def seed(stdout: Any) -> None:
    from supervision.core.demo import BOJIQIAO, YANGGU
    from supervision.core.models import Region, User

    from . import services
    from .models import Report

    yanggu = Region.objects.get(code=YANGGU)
    county = User.objects.get(username="yanggu_mz")
    township = User.objects.get(username="bojiqiao_mz")
    services.report_call(county, format="monthly", region=yanggu, year=YEAR, number=MONTH)
    own = services.report_create(county, format="monthly", region=yanggu, year=YEAR, number=MONTH)
    if own.is_editable and not own.preparer:
        services.report_update(
            own, actor=county, preparer="阳谷县民政局监管人员", note="数据由平台自动提取。"
        )
    mine = Report.objects.get(format="monthly", region__code=BOJIQIAO, period_key=f"{YEAR}-{MONTH:02d}")
    if mine.is_editable:
        services.report_refresh(mine, actor=township)
        services.report_update(mine, actor=township, preparer="博济桥街道民政工作人员", note="")
        services.report_submit(mine, actor=township)
    missing = services.missing_units(county, yanggu, "monthly", mine.period_key).count()
    stdout.write(
        f"reports: {Report.objects.count()} reports, {missing} townships of 阳谷县 still to report\n"
    )
