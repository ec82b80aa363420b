"""Small helpers the report and evaluation pages share: the civil-affairs post gate of a create,
the user's own reporting units, and the Chinese text of a refused step."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from supervision.core import policy
from supervision.core.models import Region


def own_units(user: Any) -> list[Region]:
    """The regions whose civil affairs the user acts for (lead department, acting role)."""
    seen: dict[int, Region] = {}
    for a in user.active_assignments():
        if a.department.is_lead and a.role in policy.ACTING:
            seen.setdefault(a.region_id, a.region)
    return sorted(seen.values(), key=lambda r: r.code)


def require_civil_post(user: Any, label: str) -> None:
    """The gate of a create, before its input is read: an acting civil-affairs post."""
    if getattr(user, "is_superuser", False):
        return
    if not own_units(user):
        raise policy.Denied(f"{label}由民政部门的工作人员填写和报送，您的岗位无权办理。")


def error_text(exc: ValidationError) -> str:
    return "；".join(str(m) for m in exc.messages)
