"""Reads for other apps: complaint counts and the risk source."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Count
from django.utils import timezone

from ..models import (
    Complaint,
    State,
)

# --- reads for other apps ----------------------------------------------------------------------


def complaint_counts(institution_ids: Iterable[int], since: dt.datetime | None = None) -> dict[int, int]:
    """Complaints per institution received since ``since`` (default: the last 365 days),
    duplicates not counted twice."""
    since = since or timezone.now() - dt.timedelta(days=365)
    ids = set(institution_ids)
    rows = (
        Complaint.objects.filter(received_at__gte=since, institution__isnull=False)
        .exclude(state=State.MERGED)
        .values("institution_id")
        .annotate(n=Count("pk"))
    )
    # Complaints are few next to institutions: filter in Python rather than bind a huge IN list.
    return {r["institution_id"]: r["n"] for r in rows if r["institution_id"] in ids}


def risk_source(institutions: Sequence[Any]) -> dict[int, str]:
    """Draw risk class from complaints (差异化监管, "many complaints"): ``COMPLAINT_HIGH`` or
    more in the last year → high."""
    from inspections.risk import COMPLAINT_HIGH

    counts = complaint_counts([i.pk for i in institutions])
    return {k: "high" for k, n in counts.items() if n >= COMPLAINT_HIGH}
