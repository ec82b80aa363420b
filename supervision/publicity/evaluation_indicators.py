"""Indicators of the published policy and guidance pages that fill the 004 附件1 evaluation
(4.11 通用政策, 4.12 业务办理). A page for every region (no region) counts in each region.
Imported once from ``PublicityConfig.ready``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from supervision.core.models import Region
from supervision.indicators import Indicator, Period, register

from .models import PolicyCategory, PolicyPage

SOURCE = "004 附件1 {n}；《民政部办公厅关于印发社会救助和养老服务领域基层政务公开标准指引的通知》"


def _published(category: str) -> Any:
    def rows(user: Any, region: Region, period: Period) -> QuerySet[PolicyPage]:
        # In publication at the end of the period (pages for a region above count too: a
        # county's public sees the province's pages).
        end = timezone.make_aware(dt.datetime.combine(period.end, dt.time.max))
        codes = [r.code for r in region.ancestors()] + [region.code]
        return (
            PolicyPage.objects.published(at=end)
            .filter(category=category)
            .filter(
                Q(region__isnull=True) | Q(region__code__in=codes) | Q(region__code__startswith=region.prefix)
            )
        )

    return rows


for number, category, label in (
    ("4.11", PolicyCategory.GENERAL, "通用政策"),
    ("4.12", PolicyCategory.SERVICE, "业务办理指南"),
):
    register(
        Indicator(
            code=f"publicity.eval_{category}_pages",
            name=f"公开的{label}（篇）",
            definition=f"统计期末处于公开期内、栏目为“{label}”、适用于本辖区（含上级和全部区域）的政策指南页面篇数。",
            unit="篇",
            source=SOURCE.format(n=number),
            rows=_published(category),
            evaluation=number,
            group="效能评估",
        )
    )
