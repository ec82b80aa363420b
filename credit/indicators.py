"""Credit's dashboard indicators (issue 16): the distribution of credit grades (the list is
the 信用等级 page under the same filter)."""

from __future__ import annotations

from typing import Any

from supervision.indicators.lists import counted, in_region_with

from .filters import CreditGradeFilter
from .models import CreditGrade, Grade

GROUP = "信用等级"
SOURCE = "000（十一）"


def _base() -> Any:
    return CreditGrade.objects.select_related("institution")


def register() -> None:
    counted(
        "credit.graded",
        "已评信用等级",
        definition="辖区内已计算当前信用等级的机构数。",
        source=SOURCE,
        base=_base,
        filterset=CreditGradeFilter,
        url_name="credit:grade_list",
        params=in_region_with(),
        unit="家",
        group=GROUP,
    )
    for grade in Grade:
        counted(
            f"credit.grade.{grade.value}",
            f"{grade.label}",
            definition=f"当前信用等级为“{grade.label}”的机构数。",
            source=SOURCE,
            base=_base,
            filterset=CreditGradeFilter,
            url_name="credit:grade_list",
            params=in_region_with(grade=grade.value),
            unit="家",
            group=GROUP,
        )


register()
