"""Indicators of deposits, guarantees and their escrow accounts that fill the 004 附件1
evaluation (4.18: amounts, people, refunds, escrow coverage). Set-based queries through
``visible_to(user)``; imported once from ``DepositsConfig.ready``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from institutions.models import Institution
from supervision.core.models import Region
from supervision.indicators import Derived, Indicator, Measure, Period, in_region, register, share_of

from .models import CAPPED_KINDS, AccountStatus, EscrowAccount, FeeEntry

SOURCE = "004 附件1 4.18；《重庆市老年人权益保障条例》；004（六）"


def _held(user: Any, region: Region, period: Period) -> QuerySet[FeeEntry]:
    """Deposits and guarantees received by the end of the period."""
    return in_region(FeeEntry.objects.visible_to(user), region).filter(
        kind__in=CAPPED_KINDS, received_on__lte=period.end
    )


def _holders(user: Any, region: Region, period: Period) -> QuerySet[Institution]:
    return Institution.objects.filter(pk__in=_held(user, region, period).values("institution_id"))


def _escrowed(user: Any, region: Region, period: Period) -> QuerySet[Institution]:
    accounts = in_region(EscrowAccount.objects.visible_to(user), region).filter(
        status=AccountStatus.ACTIVE, opened_on__lte=period.end
    )
    return _holders(user, region, period).filter(pk__in=accounts.values("institution_id"))


def _amount(total: Decimal | None) -> Decimal:
    return total or Decimal("0")


def _sum(field: str) -> Derived:
    return Derived(_amount, Measure(_held, field))


def _reg(code: str, name: str, definition: str, unit: str, rows: Any, value: Any = None) -> None:
    register(
        Indicator(
            code=f"deposits.{code}",
            name=name,
            definition=definition,
            unit=unit,
            source=SOURCE,
            rows=rows,
            value=value,
            evaluation="4.18",
            group="效能评估",
        )
    )


_reg(
    "eval_amount",
    "收取押金、保证金金额（元）",
    "统计期末前收取的押金和保证金登记金额之和。",
    "元",
    _held,
    _sum("amount"),
)
_reg(
    "eval_people",
    "涉及老年人（人）",
    "上述押金、保证金涉及的老年人人数（按身份证号摘要去重）。",
    "人",
    _held,
    lambda user, region, period: _held(user, region, period).values("id_hash").distinct().count(),
)
_reg(
    "eval_refunded",
    "已清退金额（元）",
    "上述押金、保证金中已退还的金额之和。",
    "元",
    _held,
    _sum("refunded_amount"),
)
_reg(
    "eval_holders", "收取押金、保证金的机构（家）", "统计期末前收取过押金或保证金的机构家数。", "家", _holders
)
_reg(
    "eval_escrowed",
    "已建立监管专户的机构（家）",
    "上述机构中在统计期末前开立且在用资金监管专户的家数。",
    "家",
    _escrowed,
)
_reg(
    "eval_escrow_rate",
    "专户建立覆盖率",
    "已建立监管专户的机构 ÷ 收取押金、保证金的机构 × 100%。",
    "%",
    _escrowed,
    share_of(_holders, _escrowed),
)
