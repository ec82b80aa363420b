"""The directories behind a plan (检查对象名录库, 执法检查人员名录库) and its coverage obligation:
live reads of the registry and the inspector directory, never copies."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils import timezone

from institutions.models import Institution
from supervision.core.models import Region

from .. import clocks
from ..models import CoveragePeriod, Inspection, InspectionPlan, Inspector
from .common import OPERATING_STATUSES


def inspection_objects(region: Region) -> models.QuerySet[Institution]:
    """检查对象名录库: a live view of the registry (never a copy) — operating institutions in
    the region's subtree."""
    return Institution.objects.filter(region__code__startswith=region.prefix, status__in=OPERATING_STATUSES)


def drawable_inspectors(plan: InspectionPlan, on: dt.date) -> models.QuerySet[Inspector]:
    """Inspectors of the plan's departments inside its region with a certificate valid on ``on``."""
    departments = [plan.department_id, *plan.partner_departments.values_list("pk", flat=True)]
    return Inspector.objects.filter(
        active=True,
        certificate_expires__gte=on,
        department_id__in=departments,
        region__code__startswith=plan.region.prefix,
    )


def coverage_period(plan: InspectionPlan) -> str:
    """The stricter of the region's ``inspection.yearly_coverage`` rule (when the rules
    engine exposes it; regional overrides included) and the plan's own field: the rule sets
    the minimum, a plan may ask for more (e.g. every half year jointly, 001 (十))."""
    ruled = clocks.coverage_period_override(plan.region)
    if CoveragePeriod.HALF_YEAR in (ruled, plan.coverage_period):
        return CoveragePeriod.HALF_YEAR
    return CoveragePeriod.YEAR


def period_bounds(period: str, year: int, on: dt.date) -> tuple[dt.date, dt.date]:
    if period == CoveragePeriod.HALF_YEAR:
        if on.year == year and on.month > 6:
            return dt.date(year, 7, 1), dt.date(year, 12, 31)
        return dt.date(year, 1, 1), dt.date(year, 6, 30)
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def uncovered_institutions(plan: InspectionPlan, on: dt.date | None = None) -> models.QuerySet[Institution]:
    """Coverage obligation: institutions in the plan's region with no finished on-site
    inspection in the current period (the year, or the half-year containing ``on``)."""
    on = on or timezone.localdate()
    start, end = period_bounds(coverage_period(plan), plan.year, on)
    covered = Inspection.objects.done().filter(inspected_on__gte=start, inspected_on__lte=end)
    return inspection_objects(plan.region).exclude(pk__in=covered.values("institution_id"))
