"""Indicators of the registry that fill the 004 附件1 evaluation (``evaluation="x.y"``) and the
statistical reports (养老机构基本情况表). Set-based queries through ``visible_to(user)``;
imported once from ``InstitutionsConfig.ready``."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet

from supervision.core.models import Region
from supervision.deadlines.models import Deadline, DeadlineState
from supervision.indicators import Derived, Indicator, Measure, Period, in_region, register, share_of

from .models import (
    FireAcceptance,
    GradeRating,
    Institution,
    InstitutionKind,
    InstitutionNature,
    InstitutionStatus,
    Staff,
    StaffRole,
)

S004 = "004 附件1"
# Institutions that operate (the inspection-object directory counts the same statuses).
OPERATING = (InstitutionStatus.FILED, InstitutionStatus.REGISTERED_NOT_FILED, InstitutionStatus.UNREGISTERED)
REPORT_GROUP = "养老机构基本情况"


def _evaluation(**fields: Any) -> Indicator:
    """Register one indicator of the 004 evaluation (group 效能评估)."""
    return register(Indicator(group="效能评估", **fields))


def _report(**fields: Any) -> Indicator:
    """Register one indicator of the 养老机构基本情况表 statistical report."""
    return register(Indicator(group=REPORT_GROUP, **fields))


def care_homes(user: Any, region: Region) -> QuerySet[Institution]:
    """Operating elderly-care institutions (养老机构) of the region that the user may see."""
    return in_region(Institution.objects.visible_to(user), region).filter(
        kind=InstitutionKind.CARE_HOME, status__in=OPERATING
    )


def _filed(user: Any, region: Region) -> QuerySet[Institution]:
    return in_region(Institution.objects.visible_to(user), region).filter(status=InstitutionStatus.FILED)


def care_home_rows(user: Any, region: Region, period: Period) -> QuerySet[Institution]:
    return care_homes(user, region)


def _filed_rows(user: Any, region: Region, period: Period) -> QuerySet[Institution]:
    return _filed(user, region)


# --- 2.5 / 2.6: the 20-working-day on-site checks ------------------------------------------------


def _clocks(rule: str) -> Any:
    def rows(user: Any, region: Region, period: Period) -> QuerySet[Deadline]:
        return in_region(Deadline.objects.visible_to(user), region).filter(
            rule__code=rule, due__gte=period.start, due__lte=period.end
        )

    return rows


def _met_in_time(rule: str) -> Any:
    def rows(user: Any, region: Region, period: Period) -> QuerySet[Deadline]:
        return _clocks(rule)(user, region, period).filter(state=DeadlineState.MET, met_at__date__lte=F("due"))

    return rows


def _rate(total_rows: Any, part_rows: Any) -> Derived:
    return share_of(total_rows, part_rows)


for number, rule, rule_name, what in (
    ("2.5", "filing.onsite_check", "备案后现场核查", "备案后 20 个工作日内现场检查"),
    ("2.6", "unfiled.onsite_check", "未备案机构现场核查", "发现未备案机构收住老年人后 20 个工作日内现场检查"),
):
    short = rule.split(".")[0]
    _evaluation(
        code=f"institutions.eval_{short}_checks_due",
        name=f"应在期内完成的{what}（件）",
        definition=f"时限规则“{rule_name}”的时限事项中，到期日在统计期内的件数（含已完成、逾期和豁免）。",
        unit="件",
        source=f"{S004} {number}；《养老机构管理办法》",
        rows=_clocks(rule),
        evaluation=number,
    )
    _evaluation(
        code=f"institutions.eval_{short}_checks_in_time",
        name=f"按时完成的{what}（件）",
        definition="上述时限事项中，已完成且完成日期不晚于到期日的件数。",
        unit="件",
        source=f"{S004} {number}；《养老机构管理办法》",
        rows=_met_in_time(rule),
        evaluation=number,
    )
    _evaluation(
        code=f"institutions.eval_{short}_checks_rate",
        name=f"{what}按时完成率",
        definition="按时完成的件数 ÷ 到期日在统计期内的件数 × 100%。",
        unit="%",
        source=f"{S004} {number}；《养老机构管理办法》",
        rows=_met_in_time(rule),
        value=_rate(_clocks(rule), _met_in_time(rule)),
        evaluation=number,
    )


# --- 4.5: grading coverage -----------------------------------------------------------------------


def _rated(user: Any, region: Region, period: Period) -> QuerySet[Institution]:
    valid = GradeRating.objects.filter(
        institution=OuterRef("pk"), rated_on__lte=period.end, valid_until__gte=period.end
    )
    return care_homes(user, region).filter(Exists(valid))


_evaluation(
    code="institutions.eval_care_homes",
    name="养老机构总数（家）",
    definition="辖区内在营的养老机构（已备案、登记未备案、未登记），不含居家社区服务机构，按当前状态统计。",
    unit="家",
    source=f"{S004} 3.5、4.5、4.9",
    rows=care_home_rows,
    evaluation="4.5",
)
_evaluation(
    code="institutions.eval_rated",
    name="完成等级评定的养老机构（家）",
    definition="上述养老机构中，统计期末持有有效等级评定（评定日期不晚于期末、有效期至不早于期末）的家数。",
    unit="家",
    source=f"{S004} 4.5；《民政部关于加快建立全国统一养老机构等级评定体系的指导意见》",
    rows=_rated,
    evaluation="4.5",
)
_evaluation(
    code="institutions.eval_rated_rate",
    name="养老机构等级评定覆盖率",
    definition="完成等级评定的养老机构 ÷ 养老机构总数 × 100%。",
    unit="%",
    source=f"{S004} 4.5",
    rows=_rated,
    value=share_of(care_home_rows, _rated),
    evaluation="4.5",
)


# --- 4.9: fire acceptance, with the reasons of those not completed --------------------------------


def _fire(*states: str) -> Any:
    def rows(user: Any, region: Region, period: Period) -> QuerySet[Institution]:
        return care_homes(user, region).filter(fire_acceptance__in=states)

    return rows


_FIRE_DONE = (FireAcceptance.PASSED, FireAcceptance.NOT_REQUIRED)
_evaluation(
    code="institutions.eval_fire_done",
    name="完成消防审验或备案的养老机构（家）",
    definition="养老机构中消防验收情况为“已通过消防验收/备案”或“无需验收”的家数（按当前登记）。",
    unit="家",
    source=f"{S004} 4.9；《国务院办公厅关于推进养老服务发展的意见》",
    rows=_fire(*_FIRE_DONE),
    evaluation="4.9",
)
_evaluation(
    code="institutions.eval_fire_done_rate",
    name="完成消防审验或备案的比例",
    definition="完成消防审验或备案的养老机构 ÷ 养老机构总数 × 100%。",
    unit="%",
    source=f"{S004} 4.9",
    rows=_fire(*_FIRE_DONE),
    value=share_of(care_home_rows, _fire(*_FIRE_DONE)),
    evaluation="4.9",
)
_evaluation(
    code="institutions.eval_fire_technical_only",
    name="未完成：符合消防安全技术条件但因土地/房产手续缺失（家）",
    definition="消防验收情况为“符合消防安全技术条件，因土地/房产手续缺失未能验收”的养老机构家数（原因见机构的情况说明）。",
    unit="家",
    source=f"{S004} 4.9；004 二(二)",
    rows=_fire(FireAcceptance.TECHNICAL_ONLY),
    evaluation="4.9",
)
_evaluation(
    code="institutions.eval_fire_pending",
    name="未完成：尚未验收（家）",
    definition="消防验收情况为“未验收”的养老机构家数。",
    unit="家",
    source=f"{S004} 4.9",
    rows=_fire(FireAcceptance.PENDING),
    evaluation="4.9",
)


# --- 4.13 / 4.14: what is published of the institutions ------------------------------------------


def _disclosing(user: Any, region: Region, period: Period) -> QuerySet[Institution]:
    return _filed(user, region).exclude(service_items="").exclude(fee_standards="")


_evaluation(
    code="institutions.eval_directory_published",
    name="公开备案信息的养老服务机构（家）",
    definition="已备案的养老服务机构家数：其备案信息、等级和资质信息在本平台公开目录中公开。",
    unit="家",
    source=f"{S004} 4.13",
    rows=_filed_rows,
    evaluation="4.13",
)
_evaluation(
    code="institutions.eval_fees_published",
    name="公开服务内容和收费标准的机构（家）",
    definition="已备案机构中服务项目和收费标准均已填写（在公开页面公示）的家数。",
    unit="家",
    source=f"{S004} 4.14；《养老服务质量信息公开标准指引》",
    rows=_disclosing,
    evaluation="4.14",
)
_evaluation(
    code="institutions.eval_fees_published_rate",
    name="公开服务内容和收费标准的比例",
    definition="公开服务内容和收费标准的机构 ÷ 已备案机构 × 100%。",
    unit="%",
    source=f"{S004} 4.14",
    rows=_disclosing,
    value=share_of(_filed_rows, _disclosing),
    evaluation="4.14",
)


# --- 4.20 / 4.21 ----------------------------------------------------------------------------------

_evaluation(
    code="institutions.eval_names_nonstandard",
    name="备案名称不规范的养老机构（家）",
    definition="已备案机构中名称不符合命名规则（行政区划＋字号＋行业＋组织形式）的家数。",
    unit="家",
    source=f"{S004} 4.20；渝民发〔2019〕7号",
    rows=lambda user, region, period: _filed(user, region).filter(name_nonstandard=True),
    evaluation="4.20",
)


def _social_workers(user: Any, region: Region, period: Period) -> QuerySet[Staff]:
    return in_region(Staff.objects.visible_to(user), region).filter(
        Q(left_on__isnull=True) | Q(left_on__gt=period.end),
        role=StaffRole.SOCIAL_WORKER,
        hired_on__lte=period.end,
        institution__kind=InstitutionKind.CARE_HOME,
        institution__status__in=OPERATING,
    )


def _per_100(count: int, beds: int | None) -> Decimal | None:
    if not beds:
        return None
    return (Decimal(count) * 100 / Decimal(beds)).quantize(Decimal("0.01"), ROUND_HALF_UP)


# social workers ÷ the beds of the care homes × 100
_per_100_beds = Derived(_per_100, Measure(_social_workers), Measure(care_home_rows, "beds"))


_evaluation(
    code="institutions.eval_social_workers",
    name="养老机构在岗社会工作者（人）",
    definition="养老机构中岗位为“社会工作者”、统计期末在岗（入职不晚于期末且未离职或期末后离职）的人数。",
    unit="人",
    source=f"{S004} 4.21",
    rows=_social_workers,
    evaluation="4.21",
)
_evaluation(
    code="institutions.eval_social_workers_per_100_beds",
    name="每百张养老床位配备社会工作者人数",
    definition="在岗社会工作者人数 ÷ 养老机构床位总数 × 100。",
    unit="人",
    source=f"{S004} 4.21；重庆市养老服务体系建设“十四五”规划",
    rows=_social_workers,
    value=_per_100_beds,
    evaluation="4.21",
)


# --- 养老机构基本情况表 (statistical report) --------------------------------------------------------


def _by(**filters: Any) -> Any:
    def rows(user: Any, region: Region, period: Period) -> QuerySet[Institution]:
        return in_region(Institution.objects.visible_to(user), region).filter(**filters)

    return rows


for key, label, filters in (
    ("operating", "在营养老服务机构", {"status__in": OPERATING}),
    ("filed", "已备案机构", {"status": InstitutionStatus.FILED}),
    ("registered_not_filed", "登记未备案机构", {"status": InstitutionStatus.REGISTERED_NOT_FILED}),
    ("unregistered", "未登记（黑机构）", {"status": InstitutionStatus.UNREGISTERED}),
    ("care_homes", "其中：养老机构", {"status__in": OPERATING, "kind": InstitutionKind.CARE_HOME}),
    ("community", "其中：居家社区养老服务机构", {"status__in": OPERATING, "kind": InstitutionKind.COMMUNITY}),
    ("public", "其中：公办（含公建民营）", {
        "status__in": OPERATING,
        "nature__in": (InstitutionNature.PUBLIC, InstitutionNature.PUBLIC_PRIVATE),
    }),
):  # fmt: skip
    _report(
        code=f"institutions.basic_{key}",
        name=f"{label}（家）",
        definition=f"辖区内{label}的家数（按填报时的登记状态）。",
        unit="家",
        source="004 二(三)；《养老机构管理办法》第九至十二条",
        rows=_by(**filters),
    )


def _whole(total: int | None) -> int:
    return int(total or 0)


def _sum(field: str) -> Derived:
    return Derived(_whole, Measure(_by(status__in=OPERATING), field))


for key, label, unit in (("beds", "床位数", "张"), ("residents", "在住老年人数", "人")):
    _report(
        code=f"institutions.basic_{key}",
        name=f"{label}（{unit}）",
        definition=f"在营养老服务机构登记的{label}之和。",
        unit=unit,
        source="《养老机构管理办法》第十一条（备案信息）",
        rows=_by(status__in=OPERATING),
        value=_sum(key),
    )
_report(
    code="institutions.basic_staff",
    name="在岗从业人员（人）",
    definition="在营养老服务机构中统计期末在岗的从业人员人数。",
    unit="人",
    source="003 3.；000（七）",
    rows=lambda user, region, period: in_region(Staff.objects.visible_to(user), region).filter(
        Q(left_on__isnull=True) | Q(left_on__gt=period.end),
        hired_on__lte=period.end,
        institution__status__in=OPERATING,
    ),
)
