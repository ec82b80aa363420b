"""Inspections' dashboard indicators (issue 16): on-site coverage over the year and the
half-year, and findings by domain and severity with 挂牌督办. Each is a staff list under the
same filters (检查对象名录库 for coverage, 隐患清单 for findings)."""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from supervision.core.models import Domain, Region
from supervision.indicators import Indicator, Period
from supervision.indicators import register as register_indicator
from supervision.indicators.lists import counted, rate

from .filters import FindingFilter, ObjectFilter
from .models import Finding, Severity

COVERAGE = "现场检查覆盖"
FINDINGS = "问题隐患"
COVERAGE_SOURCE = "000（十）；001（十）；004（六）、附件1 3.5"


def year_of(period: Period) -> Period:
    return Period.year(period.end.year)


def half_of(period: Period) -> Period:
    """The half-year of the period's last day, or of today while the period is running."""
    today = timezone.localdate()
    end = min(period.end, today) if period.start <= today else period.end
    return Period.half(end.year, 1 if end.month <= 6 else 2)


def _objects() -> Any:
    from institutions.models import Institution

    from .services import OPERATING_STATUSES

    return Institution.objects.select_related("region").filter(status__in=OPERATING_STATUSES)


def _coverage(suffix: str, label: str, normalise: Any, rule: str) -> None:
    def objects_params(region: Region, period: Period) -> dict[str, Any]:
        return {"region": region.code}

    def covered_params(region: Region, period: Period) -> dict[str, Any]:
        return {"region": region.code, "covered": normalise(period).key}

    def uncovered_params(region: Region, period: Period) -> dict[str, Any]:
        return {"region": region.code, "uncovered": normalise(period).key}

    common: dict[str, Any] = {
        "source": COVERAGE_SOURCE,
        "base": _objects,
        "filterset": ObjectFilter,
        "url_name": "inspections:object_list",
        "unit": "家",
        "group": COVERAGE,
    }
    objects = counted(
        f"inspections.onsite_objects_{suffix}",
        "检查对象数",
        definition="检查对象名录库中的机构数：已备案、登记未备案和未登记（黑机构）的在营机构。",
        params=objects_params,
        **common,
    )
    covered = counted(
        f"inspections.onsite_covered_{suffix}",
        f"{label}已现场检查",
        definition=f"{label}内至少有一次已办结（或已公开）现场检查的检查对象数。{rule}",
        params=covered_params,
        **common,
    )
    counted(
        f"inspections.onsite_uncovered_{suffix}",
        f"{label}未现场检查",
        definition=f"{label}内尚无已办结现场检查的检查对象数（应检未检）。{rule}",
        params=uncovered_params,
        **common,
    )
    rate(
        f"inspections.onsite_coverage_{suffix}",
        f"{label}现场检查覆盖率",
        numerator=covered,
        denominator=objects,
        definition=f"{label}已现场检查的检查对象数 ÷ 检查对象数 × 100%。{rule}",
        source=COVERAGE_SOURCE,
        group=COVERAGE,
    )


def _domains() -> list[tuple[str, str]]:
    path = Path(settings.BASE_DIR) / "supervision" / "core" / "data" / "domains.csv"
    with path.open(encoding="utf-8") as fh:
        return [(row["code"], row["name"]) for row in csv.DictReader(fh)]


def _findings_base() -> Any:
    return Finding.objects.with_progress().select_related(
        "institution", "domain", "supervising_department", "found_by_department"
    )


def _found_in(region: Region, period: Period, **extra: Any) -> dict[str, Any]:
    return {
        "region": region.code,
        "found_after": period.start.isoformat(),
        "found_before": period.end.isoformat(),
        **extra,
    }


def _finding(code: str, name: str, definition: str, params: Any) -> Indicator:
    return counted(
        f"inspections.findings.{code}",
        name,
        definition=definition,
        source="003 11.；004 附件1 4.1",
        base=_findings_base,
        filterset=FindingFilter,
        url_name="inspections:finding_list",
        params=params,
        unit="项",
        group=FINDINGS,
    )


def _domain_params(domain_code: str) -> Any:
    def params(region: Region, period: Period) -> dict[str, Any]:
        pk = Domain.objects.filter(code=domain_code).values_list("pk", flat=True).first()
        return _found_in(region, period, domain=pk if pk is not None else "")

    return params


def _domain_finding(code: str, name: str) -> None:
    ind = _finding(f"domain.{code}", name, f"统计期内发现的“{name}”领域问题隐患数。", _domain_params(code))

    def rows(user: Any, region: Region, period: Period) -> Any:
        # A domain missing from the reference data counts nothing (never every finding).
        if not Domain.objects.filter(code=code).exists():
            return Finding.objects.none()
        return ind.rows(user, region, period)

    register_indicator(replace(ind, rows=rows))


def register() -> None:
    _coverage("year", "本年度", year_of, "每年对每家机构开展不少于1次现场检查（000（十））。")
    _coverage("half", "本半年", half_of, "南开区要求每半年联合检查全覆盖（001（十））。")
    _finding(
        "total",
        "发现问题隐患",
        "统计期内发现（按发现日期）的问题隐患数，含已整改、已销号的。",
        lambda region, period: _found_in(region, period),
    )
    for severity in Severity:
        _finding(
            f"severity.{severity.value}",
            f"{severity.label}隐患",
            f"统计期内发现的隐患等级为“{severity.label}”的问题隐患数。",
            lambda region, period, s=severity.value: _found_in(region, period, severity=s),
        )
    _finding(
        "listed",
        "挂牌督办",
        "统计期内发现、被挂牌督办的问题隐患数。",
        lambda region, period: _found_in(region, period, listed_supervision=True),
    )
    _finding(
        "open",
        "待整改隐患",
        "统计期内发现、仍处于“待整改”状态的问题隐患数。",
        lambda region, period: _found_in(region, period, status="open"),
    )
    for code, name in _domains():
        _domain_finding(code, name)


register()
