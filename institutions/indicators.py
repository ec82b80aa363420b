"""The registry's dashboard indicators (issue 16): institutions by status, kind and grade, and
filings awaiting their on-site check. Each is the 机构名录 list under the same filters."""

from __future__ import annotations

from typing import Any

from supervision.core.models import Region
from supervision.indicators import Indicator, Period, in_region
from supervision.indicators import register as register_indicator
from supervision.indicators.lists import counted

from .filters import InstitutionFilter
from .models import GradeLevel, Institution, InstitutionKind, InstitutionStatus, StaffRole, TrainingRecord
from .querysets import institution_list_queryset

GROUP = "机构概况"
SOURCE = "《养老机构管理办法》；000（十一）"


def _params(**extra: Any) -> Any:
    def params(region: Region, period: Period) -> dict[str, Any]:
        return {"region": region.code, **extra}

    return params


def _count(
    code: str, name: str, definition: str, group: str = GROUP, source: str = SOURCE, **extra: Any
) -> None:
    counted(
        f"institutions.{code}",
        name,
        definition=definition,
        source=source,
        base=institution_list_queryset,
        filterset=InstitutionFilter,
        url_name="institutions:list",
        params=_params(**extra),
        unit="家",
        group=group,
    )


def register() -> None:
    _count("total", "机构总数", "辖区内名录中的全部养老服务机构（各状态、各类型）。")
    for status in InstitutionStatus:
        _count(
            f"status.{status.value}",
            str(status.label),
            f"名录中状态为“{status.label}”的机构数。",
            status=status.value,
        )
    for kind in InstitutionKind:
        _count(
            f"kind.{kind.value}", str(kind.label), f"名录中类型为“{kind.label}”的机构数。", kind=kind.value
        )
    for level in GradeLevel:
        _count(
            f"grade.{level.value}",
            f"{level.label}机构",
            f"当前有效（有效期至今日或以后）的最近一次等级评定为“{level.label}”的机构数。",
            source="《养老机构等级划分与评定》（GB/T 37276）；004 附件1 4.5",
            grade=level.value,
        )
    _count(
        "filing_awaiting_check",
        "备案待现场核查",
        "“备案后现场核查”时限（备案之日起20个工作日）仍未完成的机构数，以时限事项为准。",
        group="备案核查",
        source="000（十一）；003 1.；004 附件1 2.5",
        awaiting_check=True,
    )


register()


def caregiver_trainings(user: Any, region: Region, period: Period) -> Any:
    """Training records of caregivers of the region's institutions held in the period: the
    progress a county's training quota (003 附件2) is counted by."""
    homes = in_region(Institution.objects.visible_to(user), region)
    return TrainingRecord.objects.filter(
        staff__institution__in=homes,
        staff__role=StaffRole.CAREGIVER,
        held_on__gte=period.start,
        held_on__lte=period.end,
    )


register_indicator(
    Indicator(
        code="institutions.caregiver_trainings",
        name="养老护理员培训人次",
        definition="辖区机构养老护理员培训日期在统计期内的培训记录数。",
        unit="人次",
        source="003 3.、附件2",
        rows=caregiver_trainings,
        group="人员培训",
    )
)
