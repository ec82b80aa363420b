"""Indicators of inspections, findings and penalties that fill the 004 附件1 evaluation
(``evaluation="x.y"``) and the monthly, quarterly and annual reports. Set-based queries through
``visible_to(user)``; imported once from ``InspectionsConfig.ready``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from institutions.evaluation_indicators import care_home_rows, care_homes
from institutions.models import Institution
from supervision.core.models import Region
from supervision.indicators import Derived, Indicator, Measure, Period, in_region, register, share_of

from .models import (
    Finding,
    FindingStatus,
    Inspection,
    InspectionItem,
    InspectionKind,
    InspectionPlan,
    InspectionStatus,
    Inspector,
    Severity,
)
from .rectification.models import Penalty, SuspensionOrder

S004 = "004 附件1"
DONE = (InspectionStatus.CLOSED, InspectionStatus.PUBLISHED)
GROUP = "效能评估"


def _done(user: Any, region: Region, period: Period) -> QuerySet[Inspection]:
    """Inspections done (办结或已公开) with their inspection date in the period."""
    return in_region(Inspection.objects.visible_to(user), region).filter(
        status__in=DONE, inspected_on__gte=period.start, inspected_on__lte=period.end
    )


def _random(user: Any, region: Region, period: Period) -> QuerySet[Inspection]:
    return _done(user, region, period).filter(kind=InspectionKind.ROUTINE)


def _reg(code: str, name: str, definition: str, unit: str, source: str, rows: Any, **kw: Any) -> None:
    register(
        Indicator(
            code=f"inspections.{code}",
            name=name,
            definition=definition,
            unit=unit,
            source=source,
            rows=rows,
            group=kw.pop("group", GROUP),
            **kw,
        )
    )


# --- 2.2: the double-random mechanism ----------------------------------------------------------

_reg(
    "eval_items",
    "随机抽查事项清单（项）",
    "启用中的随机抽查事项（含重点检查事项）的项数。",
    "项",
    f"{S004} 2.2；《民政部 住房和城乡建设部 市场监管总局关于推进养老机构“双随机、一公开”监管的指导意见》",
    lambda user, region, period: InspectionItem.objects.filter(active=True),
    evaluation="2.2",
)
_reg(
    "eval_objects",
    "检查对象名录库（家）",
    "在营养老服务机构（已备案、登记未备案、未登记）的家数：即检查对象名录库。",
    "家",
    f"{S004} 2.2",
    lambda user, region, period: in_region(Institution.objects.visible_to(user), region).filter(
        status__in=("filed", "registered_not_filed", "unregistered")
    ),
    evaluation="2.2",
)
_reg(
    "eval_inspectors",
    "执法检查人员名录库（人）",
    "在岗且执法证在统计期末有效的检查人员人数。",
    "人",
    f"{S004} 2.2",
    lambda user, region, period: in_region(Inspector.objects.visible_to(user), region).filter(
        active=True, certificate_expires__gte=period.end
    ),
    evaluation="2.2",
)
_reg(
    "eval_plans",
    "年度抽查计划（份）",
    "辖区内各级制定的、年度为统计期所在年度的抽查计划份数。",
    "份",
    f"{S004} 2.2",
    lambda user, region, period: in_region(InspectionPlan.objects.visible_to(user), region).filter(
        year=period.end.year
    ),
    evaluation="2.2",
)
_reg(
    "eval_random_inspections",
    "双随机抽查完成（次）",
    "检查类型为“双随机抽查”、检查日期在统计期内且已办结或已公开的检查次数。",
    "次",
    f"{S004} 2.2",
    _random,
    evaluation="2.2",
)
_reg(
    "eval_random_published",
    "抽查结果已公示（次）",
    "上述双随机抽查中检查结果已向社会公开的次数。",
    "次",
    f"{S004} 2.2；谁检查、谁录入、谁公开",
    lambda user, region, period: _random(user, region, period).filter(status=InspectionStatus.PUBLISHED),
    evaluation="2.2",
)


# --- 3.5: every institution inspected on site at least once a year --------------------------------


def _inspected(user: Any, period: Period) -> Exists:
    """The outer institution has a done inspection in the period that the user may see (a
    correlated EXISTS: as a count's FILTER it probes the inspection index per institution
    instead of hashing every inspection of the period). The inspection lies in the region of
    its institution (its scope path), so the outer institution's region decides: the rows of
    ``_done`` for that institution."""
    done = Inspection.objects.visible_to(user).filter(
        institution=OuterRef("pk"),
        status__in=DONE,
        inspected_on__gte=period.start,
        inspected_on__lte=period.end,
    )
    return Exists(done)


def _covered(user: Any, region: Region, period: Period) -> QuerySet[Institution]:
    return care_homes(user, region).filter(_inspected(user, period))


def _uncovered(user: Any, region: Region, period: Period) -> QuerySet[Institution]:
    return care_homes(user, region).exclude(_inspected(user, period))


_reg(
    "eval_covered",
    "统计期内接受现场检查的养老机构（家）",
    "在营养老机构中，统计期内至少有一次已办结（或已公开）现场检查的家数。",
    "家",
    f"{S004} 3.5；《养老机构管理办法》第三十八条",
    _covered,
    evaluation="3.5",
)
_reg(
    "eval_uncovered",
    "统计期内未接受现场检查的养老机构（家）",
    "在营养老机构中，统计期内没有已办结现场检查的家数（清单即未覆盖名单）。",
    "家",
    f"{S004} 3.5",
    _uncovered,
    evaluation="3.5",
)
_reg(
    "eval_coverage_rate",
    "养老机构现场检查覆盖率",
    "接受现场检查的养老机构 ÷ 在营养老机构 × 100%。",
    "%",
    f"{S004} 3.5；000；004（六）",
    _covered,
    evaluation="3.5",
    value=share_of(care_home_rows, _covered),
)


# --- 4.1: hazards found and remedied ---------------------------------------------------------------


def _findings(user: Any, region: Region, period: Period) -> QuerySet[Finding]:
    return in_region(Finding.objects.visible_to(user), region).filter(
        found_on__gte=period.start, found_on__lte=period.end
    )


def _remedied(user: Any, region: Region, period: Period) -> QuerySet[Finding]:
    return _findings(user, region, period).filter(status__in=(FindingStatus.RECTIFIED, FindingStatus.CLOSED))


_reg(
    "eval_inspections_done",
    "完成现场检查（次）",
    "检查日期在统计期内、已办结或已公开的各类检查次数。",
    "次",
    f"{S004} 4.1",
    _done,
    evaluation="4.1",
)
_reg(
    "eval_findings",
    "排查发现安全隐患和问题（个）",
    "发现日期在统计期内的问题（安全隐患）个数，含消防、建筑、食品、医疗卫生、服务安全等各领域。",
    "个",
    f"{S004} 4.1",
    _findings,
    evaluation="4.1",
)
_reg(
    "eval_findings_major",
    "其中：重大隐患（个）",
    "上述问题中隐患等级为“重大”的个数。",
    "个",
    f"{S004} 4.1",
    lambda user, region, period: _findings(user, region, period).filter(severity=Severity.MAJOR),
    evaluation="4.1",
)
_reg(
    "eval_findings_remedied",
    "已整改（销号）的隐患和问题（个）",
    "上述问题中状态为“已整改”或“已销号”的个数。",
    "个",
    f"{S004} 4.1",
    _remedied,
    evaluation="4.1",
)
_reg(
    "eval_findings_remedied_rate",
    "隐患整改率",
    "已整改（销号）的问题 ÷ 统计期内发现的问题 × 100%。",
    "%",
    f"{S004} 4.1",
    _remedied,
    evaluation="4.1",
    value=share_of(_findings, _remedied),
)


# --- 4.2: penalties and compulsory measures; 4.13: penalties published --------------------------------


def _penalties(user: Any, region: Region, period: Period) -> QuerySet[Penalty]:
    return in_region(Penalty.objects.visible_to(user), region).filter(
        decided_on__gte=period.start, decided_on__lte=period.end
    )


def _amount(total: Decimal | None) -> Decimal:
    return total or Decimal("0")


_fines = Derived(_amount, Measure(_penalties, "fine_amount"))


_reg(
    "eval_penalties",
    "行政处罚决定（件）",
    "决定日期在统计期内的行政处罚决定件数（警告、罚款、没收、责令停产停业、暂扣或吊销许可等）。",
    "件",
    f"{S004} 4.2；《养老机构管理办法》第四十六条",
    _penalties,
    evaluation="4.2",
)
_reg(
    "eval_fines",
    "罚款金额（元）",
    "上述处罚决定的罚款金额之和。",
    "元",
    f"{S004} 4.2",
    _penalties,
    evaluation="4.2",
    value=_fines,
)
_reg(
    "eval_suspensions",
    "责令停业整顿（件）",
    "批准时间在统计期内的责令停业整顿决定件数（逾期未整改的行政强制措施）。",
    "件",
    f"{S004} 4.2；000（十二）",
    lambda user, region, period: in_region(SuspensionOrder.objects.visible_to(user), region).filter(
        approved_at__date__gte=period.start, approved_at__date__lte=period.end
    ),
    evaluation="4.2",
)
_reg(
    "eval_penalties_published",
    "公示的行政处罚结果（件）",
    "公示日期在统计期内的行政处罚决定件数（信用中国 双公示）。",
    "件",
    f"{S004} 4.13",
    lambda user, region, period: in_region(Penalty.objects.visible_to(user), region).filter(
        published_on__gte=period.start, published_on__lte=period.end
    ),
    evaluation="4.13",
)
