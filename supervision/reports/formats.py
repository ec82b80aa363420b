"""The fixed formats of the periodic statistical reports (统计报表): each a template of
registry indicators in sections, with its period and its report-by rule. The figures come from
the indicator registry, so a report says what the dashboard and the evaluation say."""

from __future__ import annotations

from dataclasses import dataclass

from supervision.indicators import Period


@dataclass(frozen=True)
class ReportFormat:
    code: str
    title: str
    period_kind: str  # month / quarter / year
    rule: str  # the report-by clock (deadline rule code)
    sections: tuple[tuple[str, tuple[str, ...]], ...]

    def codes(self) -> list[str]:
        return [code for _name, codes in self.sections for code in codes]

    def period(self, year: int, number: int = 0) -> Period:
        if self.period_kind == "month":
            return Period.month(year, number)
        if self.period_kind == "quarter":
            return Period.quarter(year, number)
        return Period.year(year)


_WORK = (
    "监督检查",
    (
        "inspections.eval_inspections_done",
        "inspections.eval_random_inspections",
        "inspections.eval_random_published",
        "inspections.eval_covered",
    ),
)
_HAZARDS = (
    "隐患排查整治",
    (
        "inspections.eval_findings",
        "inspections.eval_findings_major",
        "inspections.eval_findings_remedied",
        "inspections.eval_findings_remedied_rate",
    ),
)
_ENFORCEMENT = (
    "行政执法",
    (
        "inspections.eval_penalties",
        "inspections.eval_fines",
        "inspections.eval_suspensions",
        "credit.eval_listings_published",
    ),
)
_CLOCKS = (
    "备案核查",
    (
        "institutions.eval_filing_checks_due",
        "institutions.eval_filing_checks_in_time",
        "institutions.eval_filing_checks_rate",
        "institutions.eval_unfiled_checks_due",
        "institutions.eval_unfiled_checks_in_time",
    ),
)
_ANNUAL = (
    "年度监管成效",
    (
        "inspections.eval_coverage_rate",
        "inspections.eval_uncovered",
        "institutions.eval_rated_rate",
        "institutions.eval_fire_done_rate",
        "institutions.eval_names_nonstandard",
        "institutions.eval_social_workers_per_100_beds",
        "deposits.eval_escrow_rate",
    ),
)
_BASIC = (
    (
        "机构数量",
        (
            "institutions.basic_operating",
            "institutions.basic_filed",
            "institutions.basic_registered_not_filed",
            "institutions.basic_unregistered",
            "institutions.basic_care_homes",
            "institutions.basic_community",
            "institutions.basic_public",
        ),
    ),
    (
        "服务能力",
        (
            "institutions.basic_beds",
            "institutions.basic_residents",
            "institutions.basic_staff",
            "institutions.eval_social_workers",
        ),
    ),
    (
        "等级与消防",
        ("institutions.eval_rated", "institutions.eval_fire_done", "institutions.eval_fire_technical_only"),
    ),
)

FORMATS: dict[str, ReportFormat] = {
    f.code: f
    for f in (
        ReportFormat(
            "monthly",
            "养老服务监管工作月报",
            "month",
            "report.monthly",
            (_WORK, _HAZARDS, _ENFORCEMENT, _CLOCKS),
        ),
        ReportFormat(
            "quarterly",
            "养老服务监管工作季报",
            "quarter",
            "report.quarterly",
            (_WORK, _HAZARDS, _ENFORCEMENT, _CLOCKS),
        ),
        ReportFormat(
            "annual",
            "养老服务监管工作年报",
            "year",
            "report.annual",
            (_WORK, _HAZARDS, _ENFORCEMENT, _CLOCKS, _ANNUAL),
        ),
        ReportFormat("basic", "养老机构基本情况表", "quarter", "report.basic", _BASIC),
    )
}

FORMAT_CHOICES = [(f.code, f.title) for f in FORMATS.values()]


def shown(value: object, unit: str) -> str:
    """A figure in words for pages and documents: "85.0%", "12 家", "—" when not computable."""
    if value is None or value == "":
        return "—"
    if unit == "%":
        return f"{value}%"
    return f"{value} {unit}"


def date_cn(value: object) -> str:
    """2026年11月30日 (a datetime in local time); "—" when there is none."""
    import datetime as dt

    from django.utils import timezone

    if value is None:
        return "—"
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{value.year}年{value.month}月{value.day}日 {value:%H:%M}"
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    return str(value)
