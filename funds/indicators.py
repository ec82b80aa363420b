"""Funds' dashboard indicators (issue 16): subsidy anomaly flags awaiting review and escrow
shortfalls (the deposit checks' flags), each the funds list under the same filters."""

from __future__ import annotations

from typing import Any

from supervision.indicators.lists import counted, in_region_with

from .models import FlagStatus, FundFlag

GROUP = "资金监管"


def _flags() -> Any:
    return FundFlag.objects.select_related("institution", "claim")


def _deposit_flags() -> Any:
    from .deposits.views import DEPOSIT_RULES

    return FundFlag.objects.filter(rule__in=DEPOSIT_RULES).select_related("institution", "region")


def register() -> None:
    from .deposits.filters import DepositFlagFilter
    from .filters import FlagFilter

    for status in (FlagStatus.OPEN, FlagStatus.UNDER_REVIEW):
        counted(
            f"funds.flags.{status.value}",
            f"资金疑点（{status.label}）",
            definition=f"辖区内状态为“{status.label}”的资金疑点数（补贴申报、押金和预收费核查等规则发现）。",
            source="003 4.；004 附件1 4.18",
            base=_flags,
            filterset=FlagFilter,
            url_name="funds:flag_list",
            params=in_region_with(status=status.value),
            group=GROUP,
        )
    for rule, name in (("escrow.shortfall", "押金专户余额不足"), ("escrow.missing", "未开立押金专户")):
        counted(
            f"funds.{rule}",
            name,
            definition=f"辖区内规则“{name}”发现、尚待复核的疑点数。",
            source="004（六）；004 附件1 4.18",
            base=_deposit_flags,
            filterset=DepositFlagFilter,
            url_name="deposits:flag_list",
            params=in_region_with(rule=rule, status="open"),
            group=GROUP,
        )


register()
