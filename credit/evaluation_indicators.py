"""Indicators of the joint-punishment list that fill the 004 附件1 evaluation (2.3). Set-based
queries through ``visible_to(user)``; imported once from ``CreditConfig.ready``."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from supervision.core.models import Region
from supervision.indicators import Indicator, in_region, register

from .models import IN_FORCE_STATES, ListingProposal, ListType

SOURCE = "004 附件1 2.3；《养老服务市场失信联合惩戒对象名单管理办法（试行）》（民发〔2019〕103号）"


def _joint(user: Any, region: Region) -> QuerySet[ListingProposal]:
    return in_region(ListingProposal.objects.visible_to(user), region).filter(
        list_type=ListType.JOINT_PUNISHMENT
    )


register(
    Indicator(
        code="credit.eval_listings_published",
        name="公布失信联合惩戒对象（个）",
        definition="失信联合惩戒对象名单中，公示日期在统计期内的列入决定个数。",
        unit="个",
        source=SOURCE,
        rows=lambda user, region, period: _joint(user, region).filter(
            published_on__gte=period.start, published_on__lte=period.end
        ),
        evaluation="2.3",
        group="效能评估",
    )
)
register(
    Indicator(
        code="credit.eval_listings_in_force",
        name="正在实施惩戒的失信联合惩戒对象（个）",
        definition="统计期末处于已列入、已公示或申请提前移出中的失信联合惩戒对象个数（按当前状态）。",
        unit="个",
        source=SOURCE,
        rows=lambda user, region, period: _joint(user, region).filter(state__in=IN_FORCE_STATES),
        evaluation="2.3",
        group="效能评估",
    )
)
