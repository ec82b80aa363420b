"""The deadline engine's indicators (issue 16): open and overdue clocks by rule, and the rates
of clocks met in time. Whether something is overdue is decided by its Deadline alone."""

from __future__ import annotations

from typing import Any

from supervision.core.models import Region
from supervision.core.present import source_label
from supervision.indicators import Indicator, Period
from supervision.indicators.lists import counted, rate

from .filters import DeadlineFilter
from .models import Deadline
from .rules_data import RULES

GROUP = "时限事项"


def _base() -> Any:
    return Deadline.objects.select_related("rule", "region", "department")


def _rule_source(rule: dict[str, Any]) -> str:
    return source_label(rule["source_document"], rule["source_article"])


def _params(rule_code: str, **extra: Any) -> Any:
    def params(region: Region, period: Period) -> dict[str, Any]:
        return {"region": region.code, "rule": rule_code, **extra}

    return params


def _due_in_period(rule_code: str, **extra: Any) -> Any:
    def params(region: Region, period: Period) -> dict[str, Any]:
        return {
            "region": region.code,
            "rule": rule_code,
            "due_after": period.start.isoformat(),
            "due_before": period.end.isoformat(),
            **extra,
        }

    return params


def met_in_time(rule_code: str, name: str, source: str, group: str, code: str) -> tuple[Indicator, ...]:
    """Three indicators for a clock's punctuality over a period: met in time, decided (met or
    overdue) with due in the period, and the rate of the two."""
    num = counted(
        f"{code}_in_time",
        f"{name}按时完成数",
        definition=f"到期日在统计期内、已于到期日（含）前完成的“{name}”时限事项数。",
        source=source,
        base=_base,
        filterset=DeadlineFilter,
        url_name="deadlines:list",
        params=_due_in_period(rule_code, outcome="in_time"),
        group=group,
    )
    den = counted(
        f"{code}_decided",
        f"{name}应完成数",
        definition=f"到期日在统计期内、已完成或已逾期的“{name}”时限事项数（不含已豁免和尚未到期的）。",
        source=source,
        base=_base,
        filterset=DeadlineFilter,
        url_name="deadlines:list",
        params=_due_in_period(rule_code, outcome="decided"),
        group=group,
    )
    pct = rate(
        f"{code}_rate",
        f"{name}按时完成率",
        numerator=num,
        denominator=den,
        definition=f"按时完成数 ÷ 应完成数 × 100%（“{name}”时限事项，到期日在统计期内）。",
        source=source,
        group=group,
    )
    return num, den, pct


def register() -> None:
    for rule in RULES:
        code = rule["code"]
        counted(
            f"deadlines.open.{code}",
            f"{rule['name']}（未完成）",
            definition=f"“{rule['name']}”时限事项中尚未完成的（进行中或已逾期），按责任区划统计。",
            source=_rule_source(rule),
            base=_base,
            filterset=DeadlineFilter,
            url_name="deadlines:list",
            params=_params(code, live=True),
            group=GROUP,
        )
        counted(
            f"deadlines.overdue.{code}",
            f"{rule['name']}（已逾期）",
            definition=(
                f"“{rule['name']}”时限事项中已逾期的：已被标记逾期，或仍在进行且到期日已过；"
                "以时限事项本身为准。"
            ),
            source=_rule_source(rule),
            base=_base,
            filterset=DeadlineFilter,
            url_name="deadlines:list",
            params=_params(code, overdue=True),
            group=GROUP,
        )
    by_code = {r["code"]: r for r in RULES}
    met_in_time(
        "filing.onsite_check",
        "备案后现场核查",
        _rule_source(by_code["filing.onsite_check"]),
        "备案核查",
        "deadlines.filing_check",
    )
    met_in_time(
        "complaint.feedback",
        "投诉举报5个工作日内反馈",
        _rule_source(by_code["complaint.feedback"]),
        "投诉举报",
        "deadlines.complaint_feedback",
    )
    met_in_time(
        "referral.response",
        "抄告办理反馈",
        _rule_source(by_code["referral.response"]),
        "部门抄告",
        "deadlines.referral_response",
    )


register()
