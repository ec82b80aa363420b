"""Reads for the organisation models."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from .models import Region


def regions_visible_to(user: Any):
    """Regions inside the user's jurisdictions (the region tree itself is scoped by subtree)."""
    if user.is_superuser:
        return Region.objects.all()
    q = Q(pk__in=[])
    for a in user.active_assignments():
        q |= Q(code__startswith=a.region.prefix)
    return Region.objects.filter(q)
