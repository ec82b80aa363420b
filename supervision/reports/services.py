"""Writes of the statistical reports: fill a unit's report from the registry, ask the units
below for theirs (with the report-by clock), refresh, edit; submission and review are the
shared ``workflow``. Reads: the units that have not reported."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from supervision import indicators
from supervision.core import policy
from supervision.core.audit import create_audited, save_audited
from supervision.core.models import Region, RegionLevel
from supervision.indicators import Period

from . import workflow
from .formats import FORMATS, ReportFormat
from .models import Report


def json_value(value: Any) -> Any:
    """A figure as JSON keeps it: Decimals as text (exact), counts as numbers, none as None."""
    if isinstance(value, Decimal):
        return str(value)
    return value


def snapshot(codes: list[tuple[str, str]], user: Any, region: Region, period: Period) -> list[dict[str, Any]]:
    """The registry figures ``(section, code)`` for ``user`` in ``region`` over ``period``."""
    rows: list[dict[str, Any]] = []
    for section, code in codes:
        result = indicators.compute(code, user, region, period)
        ind = result.indicator
        rows.append(
            {
                "section": section,
                "code": code,
                "name": ind.name,
                "unit": ind.unit,
                "value": json_value(result.value),
                "definition": ind.definition,
                "source": ind.source,
            }
        )
    return rows


def _codes(spec: ReportFormat) -> list[tuple[str, str]]:
    return [(name, code) for name, codes in spec.sections for code in codes]


def period_of(spec: ReportFormat, year: int, number: int) -> Period:
    try:
        return spec.period(year, number)
    except (ValueError, TypeError) as exc:
        raise ValidationError("统计期不正确：请选择年度和月份（季度）。") from exc


def report_create(
    actor: Any, *, format: str, region: Region, year: int, number: int = 0, preparer: str = ""
) -> Report:
    """The reporting unit starts its report for a period (idempotent per unit and period)."""
    spec = FORMATS[format]
    period = period_of(spec, year, number)
    with transaction.atomic():
        draft = Report(format=format, region=region)
        policy.require(actor, draft, "fill")
        return _create(actor, spec, region, period, preparer)


def _create(actor: Any, spec: ReportFormat, region: Region, period: Period, preparer: str) -> Report:
    existing = Report.objects.filter(format=spec.code, region=region, period_key=period.key).first()
    if existing is not None:
        return existing
    report = Report(
        format=spec.code,
        region=region,
        period_key=period.key,
        period_start=period.start,
        period_end=period.end,
        period_label=period.label,
        preparer=preparer,
        created_by=policy.as_user(actor),
        values=snapshot(_codes(spec), actor, region, period),
        computed_at=timezone.now(),
    )
    create_audited(report, actor, "create")
    workflow.open_clock(report, spec.rule, period.end)
    return report


def report_call(actor: Any, *, format: str, region: Region, year: int, number: int = 0) -> list[Report]:
    """The level above asks every unit directly below it for the report of a period: a draft
    for each (figures as the level above sees them; the unit refreshes with its own view) and
    the report-by clock that reminds them."""
    spec = FORMATS[format]
    period = period_of(spec, year, number)
    units = list(Region.objects.filter(parent=region).order_by("code"))
    if region.level >= RegionLevel.TOWNSHIP or not units:
        raise ValidationError("本辖区没有下级填报单位。")
    out = []
    with transaction.atomic():
        for unit in units:
            policy.require(actor, Report(format=format, region=unit), "review")
            out.append(_create(actor, spec, unit, period, ""))
    return out


def report_refresh(report: Report, *, actor: Any) -> Report:
    """Read the figures again from the registry (while the unit may still change its report)."""
    with transaction.atomic():
        locked = Report.objects.select_for_update(of=("self",)).get(pk=report.pk)
        policy.require(actor, locked, "fill")
        if not locked.is_editable:
            raise ValidationError("已报送的报表不能更新数据。")
        period = Period(locked.period_start, locked.period_end, locked.period_label)
        before = {"values": locked.values, "computed_at": locked.computed_at}
        locked.values = snapshot(_codes(locked.spec), actor, locked.region, period)
        locked.computed_at = timezone.now()
        save_audited(locked, policy.as_user(actor), "refresh", before)
        workflow.record_step(locked, actor=actor, step="refresh")
        return locked


def report_update(report: Report, *, actor: Any, preparer: str, note: str) -> Report:
    """制表人 and the unit's note (填报说明)."""
    with transaction.atomic():
        locked = Report.objects.select_for_update(of=("self",)).get(pk=report.pk)
        policy.require(actor, locked, "fill")
        if not locked.is_editable:
            raise ValidationError("已报送的报表不能修改。")
        before = {"preparer": locked.preparer, "note": locked.note}
        locked.preparer, locked.note = preparer.strip(), note.strip()
        save_audited(locked, policy.as_user(actor), "fill", before)
        return locked


def report_submit(report: Report, *, actor: Any) -> Report:
    return workflow.submission_submit(report, actor=actor, rule_code=report.spec.rule)


def report_approve(report: Report, *, actor: Any) -> Report:
    return workflow.submission_approve(report, actor=actor)


def report_return(report: Report, *, actor: Any, reason: str) -> Report:
    return workflow.submission_return(report, actor=actor, reason=reason)


def missing_units(user: Any, region: Region, format: str, period_key: str) -> QuerySet[Region]:
    """The units directly below ``region`` whose report of the period has not been received."""
    reports = Report.objects.visible_to(user).filter(format=format, period_key=period_key)
    return workflow.missing_units(reports, region)
