"""What the dashboard shows: sections of charts, each a list of indicator codes (or a code
prefix, expanded against the registry in code order). The layout names codes only; the
indicators themselves (queries, definitions, lists) live in the apps' ``indicators.py``."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Chart:
    key: str  # stable, used in download URLs
    title: str
    kind: str  # "bar" | "pie" | "cards"
    codes: tuple[str, ...] = ()
    prefix: str = ""
    # rates shown with their numerator and denominator: rate code -> (numerator, denominator)
    parts: dict[str, tuple[str, str]] = field(default_factory=dict)
    hide_zero: bool = False  # long breakdowns (23 domains): show only the non-zero ones


@dataclass(frozen=True)
class Section:
    title: str
    charts: tuple[Chart, ...]


def _rate(base: str) -> dict[str, tuple[str, str]]:
    return {f"{base}_rate": (f"{base}_in_time", f"{base}_decided")}


SECTIONS: tuple[Section, ...] = (
    Section(
        "总览",
        (
            Chart(
                "overview",
                "主要指标",
                "cards",
                codes=(
                    "institutions.total",
                    "inspections.onsite_coverage_year",
                    "inspections.findings.total",
                    "rectification.items_overdue",
                    "complaints.total",
                ),
                parts={
                    "inspections.onsite_coverage_year": (
                        "inspections.onsite_covered_year",
                        "inspections.onsite_objects_year",
                    )
                },
            ),
        ),
    ),
    Section(
        "机构概况",
        (
            Chart("institutions_status", "机构状态", "bar", prefix="institutions.status."),
            Chart("institutions_kind", "机构类型", "pie", prefix="institutions.kind."),
            Chart("institutions_grade", "机构等级（有效评定）", "bar", prefix="institutions.grade."),
        ),
    ),
    Section(
        "备案核查",
        (
            Chart(
                "filing_check",
                "备案后20个工作日内现场核查",
                "cards",
                codes=(
                    "institutions.filing_awaiting_check",
                    "deadlines.filing_check_rate",
                    "deadlines.filing_check_in_time",
                    "deadlines.filing_check_decided",
                ),
                parts=_rate("deadlines.filing_check"),
            ),
        ),
    ),
    Section(
        "现场检查覆盖",
        (
            Chart(
                "coverage_year",
                "本年度现场检查覆盖（每年不少于1次）",
                "cards",
                codes=(
                    "inspections.onsite_coverage_year",
                    "inspections.onsite_covered_year",
                    "inspections.onsite_uncovered_year",
                    "inspections.onsite_objects_year",
                ),
                parts={
                    "inspections.onsite_coverage_year": (
                        "inspections.onsite_covered_year",
                        "inspections.onsite_objects_year",
                    )
                },
            ),
            Chart(
                "coverage_half",
                "本半年现场检查覆盖（每半年不少于1次）",
                "cards",
                codes=(
                    "inspections.onsite_coverage_half",
                    "inspections.onsite_covered_half",
                    "inspections.onsite_uncovered_half",
                ),
                parts={
                    "inspections.onsite_coverage_half": (
                        "inspections.onsite_covered_half",
                        "inspections.onsite_objects_half",
                    )
                },
            ),
        ),
    ),
    Section(
        "时限事项",
        (
            Chart("deadlines_open", "未完成时限事项（按类型）", "bar", prefix="deadlines.open."),
            Chart("deadlines_overdue", "已逾期时限事项（按类型）", "bar", prefix="deadlines.overdue."),
        ),
    ),
    Section(
        "问题隐患",
        (
            Chart(
                "findings_summary",
                "问题隐患",
                "cards",
                codes=(
                    "inspections.findings.total",
                    "inspections.findings.open",
                    "inspections.findings.listed",
                ),
            ),
            Chart("findings_severity", "按隐患等级", "pie", prefix="inspections.findings.severity."),
            Chart(
                "findings_domain",
                "按监管领域（不为零的）",
                "bar",
                prefix="inspections.findings.domain.",
                hide_zero=True,
            ),
        ),
    ),
    Section(
        "整改、抄告与处罚",
        (
            Chart(
                "rectification",
                "整改与抄告",
                "cards",
                codes=(
                    "rectification.items_overdue",
                    "rectification.items_open",
                    "deadlines.open.referral.response",
                    "deadlines.overdue.referral.response",
                ),
            ),
            Chart("penalties", "行政处罚（按种类）", "bar", prefix="rectification.penalties.kind."),
            Chart(
                "penalties_total",
                "行政处罚合计",
                "cards",
                codes=("rectification.penalties.total", "rectification.penalties.fines"),
            ),
        ),
    ),
    Section(
        "投诉举报",
        (
            Chart("complaints_state", "投诉举报（按状态）", "bar", prefix="complaints.state."),
            Chart(
                "complaints_feedback",
                "5个工作日内反馈",
                "cards",
                codes=(
                    "deadlines.complaint_feedback_rate",
                    "deadlines.complaint_feedback_in_time",
                    "deadlines.complaint_feedback_decided",
                ),
                parts=_rate("deadlines.complaint_feedback"),
            ),
        ),
    ),
    Section(
        "信用与资金",
        (
            Chart("credit_grades", "信用等级分布", "pie", prefix="credit.grade."),
            Chart(
                "funds",
                "资金疑点与押金专户",
                "cards",
                codes=(
                    "funds.flags.open",
                    "funds.flags.under_review",
                    "funds.escrow.shortfall",
                    "funds.escrow.missing",
                ),
            ),
        ),
    ),
)

# The figures of the region-by-region table (drill-down): one row per child region.
CHILD_COLUMNS: tuple[str, ...] = (
    "institutions.total",
    "institutions.filing_awaiting_check",
    "inspections.onsite_coverage_year",
    "inspections.findings.total",
    "rectification.items_overdue",
    "complaints.total",
)


def chart_by_key(key: str) -> Chart | None:
    for section in SECTIONS:
        for chart in section.charts:
            if chart.key == key:
                return chart
    return None
