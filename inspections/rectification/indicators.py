"""Rectification's dashboard indicators (issue 16): items overdue by their clock and
administrative penalties decided in the period (by kind, with the fines)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from supervision.core.models import Region
from supervision.indicators import Derived, Indicator, Measure, Period
from supervision.indicators import register as register_indicator
from supervision.indicators.lists import counted, in_region_with

from .filters import ItemFilter, PenaltyFilter
from .models import NoticeItem, NoticeStatus, Penalty, PenaltyKind

RECTIFICATION = "整改"
PENALTIES = "行政处罚"


def _items() -> Any:
    return NoticeItem.objects.filter(
        notice__status__in=[NoticeStatus.ISSUED, NoticeStatus.CLOSED]
    ).with_clock()


def _penalties() -> Any:
    return Penalty.objects.select_related("institution", "department")


def _decided_in(region: Region, period: Period, **extra: Any) -> dict[str, Any]:
    return {
        "region": region.code,
        "decided_after": period.start.isoformat(),
        "decided_before": period.end.isoformat(),
        **extra,
    }


def _penalty(code: str, name: str, definition: str, params: Any) -> Indicator:
    return counted(
        f"rectification.penalties.{code}",
        name,
        definition=definition,
        source="003 11.；004 附件1 4.2",
        base=_penalties,
        filterset=PenaltyFilter,
        url_name="rectification:penalty_list",
        params=params,
        group=PENALTIES,
    )


def register() -> None:
    for progress, name, definition in (
        ("open", "整改未完成", "已下达的整改通知书中尚未验收通过的整改事项数。"),
        (
            "overdue",
            "整改逾期",
            "未验收通过且其整改时限已逾期的整改事项数（以时限事项为准：已标记逾期，或到期日已过）。",
        ),
    ):
        counted(
            f"rectification.items_{progress}",
            name,
            definition=definition,
            source="003 11.；000（十）",
            base=_items,
            filterset=ItemFilter,
            url_name="rectification:item_list",
            params=in_region_with(progress=progress),
            unit="项",
            group=RECTIFICATION,
        )
    total = _penalty(
        "total",
        "行政处罚",
        "统计期内作出（按决定日期）的行政处罚决定数。",
        lambda region, period: _decided_in(region, period),
    )
    for kind in PenaltyKind:
        _penalty(
            f"kind.{kind.value}",
            str(kind.label),
            f"统计期内作出的处罚种类为“{kind.label}”的行政处罚决定数。",
            lambda region, period, k=kind.value: _decided_in(region, period, kind=k),
        )

    def fines(amount: Decimal | None) -> Decimal:
        return amount or Decimal("0")

    register_indicator(
        Indicator(
            code="rectification.penalties.fines",
            name="罚款金额",
            definition="统计期内作出的行政处罚决定载明的罚款金额合计；列表为同期全部处罚决定。",
            unit="元",
            source="004 附件1 4.2",
            rows=total.rows,
            value=Derived(fines, Measure(total.rows, "fine_amount")),
            list_url=total.list_url,
            group=PENALTIES,
        )
    )


register()
