"""The dashboard's cache. Figures are the same for every user who sees the whole region (the
lead department's posts at or above it, superusers): for them one snapshot per region and
period, written on first view and refreshed by the beat task. Anyone who sees less (a partner
department, whose remit narrows every list) gets live figures of their own view."""

from __future__ import annotations

import time
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from supervision.core.models import Region, RegionLevel, Role
from supervision.indicators import Period
from supervision.indicators.readers import READER, sees_whole_region

from .figures import compute_payload
from .models import DashboardSnapshot

__all__ = ["READER", "current_period", "figures_for", "refresh", "refresh_all", "sees_whole_region"]


def refresh(region: Region, period: Period) -> DashboardSnapshot:
    """(Re)compute and store one snapshot; concurrent refreshes of the same key both succeed."""
    started = time.perf_counter()
    payload = compute_payload(READER, region, period)
    elapsed = int((time.perf_counter() - started) * 1000)
    values = {"payload": payload, "computed_at": timezone.now(), "compute_ms": elapsed}
    try:
        with transaction.atomic():
            snap, _ = DashboardSnapshot.objects.update_or_create(
                region=region, period_key=period.key, defaults=values
            )
    except IntegrityError:  # another process inserted the same key first: update theirs
        DashboardSnapshot.objects.filter(region=region, period_key=period.key).update(**values)
        snap = DashboardSnapshot.objects.get(region=region, period_key=period.key)
    return snap


def figures_for(user: Any, region: Region, period: Period) -> tuple[dict[str, Any], Any, bool]:
    """(payload, computed_at, cached) for the page: the snapshot when it applies, else live."""
    if not sees_whole_region(user, region):
        return compute_payload(user, region, period), timezone.now(), False
    snap = DashboardSnapshot.objects.filter(region=region, period_key=period.key).first()
    if snap is None:
        snap = refresh(region, period)
    return snap.payload, snap.computed_at, True


def current_period() -> Period:
    return Period.year(timezone.localdate().year)


def refresh_all() -> dict[str, int]:
    """The beat task's work: refresh every stored snapshot of the current year, and make sure
    the regions of leaders' posts (county and above) have one. Older periods stay as written."""
    period = current_period()
    leader_regions = Region.objects.filter(
        assignments__role=Role.LEADER, assignments__active=True, level__lte=RegionLevel.TOWNSHIP
    )
    stored = Region.objects.filter(
        pk__in=DashboardSnapshot.objects.filter(period_key=period.key).values("region_id")
    )
    regions = (leader_regions | stored).distinct().order_by("code")
    count = 0
    for region in regions:
        refresh(region, period)
        count += 1
    return {"refreshed": count}
