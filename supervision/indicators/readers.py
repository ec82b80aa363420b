"""The region-wide reader, and whether a user's view of a region is the whole region.

A lead-department post (民政) at or above a region sees every row of that region's subtree,
on every model's ``Scope.region`` path (``scoping.scope_q``). Every figure narrows its rows to
its region on that same path (a list's ``region`` filter, ``registry.in_region``), so for such a
user each figure of the region equals the figure of ``READER``, who sees every row: the
dashboard's snapshots rest on this, and a batch computes such a user's figures as ``READER``
(without their ``visible_to`` conditions, and with one plan for all of them)."""

from __future__ import annotations

from typing import Any

from supervision.core.models import Region


class _RegionWideReader:
    """Reads as the lead department over the whole region (``visible_to`` lets it see every
    row; each indicator narrows to the region by its list's ``region`` filter). Never used to
    write: the policy refuses anything but a user or ``SYSTEM``."""

    is_authenticated = True
    is_anonymous = False
    is_superuser = True
    is_active = True
    is_system = False
    pk = None
    id = None
    username = "dashboard-reader"

    def active_assignments(self) -> list[Any]:
        return []


READER = _RegionWideReader()


def sees_whole_region(user: Any, region: Region) -> bool:
    """True when ``user``'s view of ``region`` is the whole region (the snapshot applies)."""
    if getattr(user, "is_superuser", False):
        return True
    if not getattr(user, "is_authenticated", False) or not hasattr(user, "active_assignments"):
        return False
    return any(
        a.department.is_lead and region.code.startswith(a.region.prefix) for a in user.active_assignments()
    )
