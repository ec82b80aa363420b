"""What the complaint services share: tracking codes, routing by remit, locks and step events."""

from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import ValidationError

from supervision.core import policy
from supervision.core.audit import save_audited
from supervision.core.models import Department, Domain, Region, RegionLevel, Remit, RemitRole

from ..models import (
    Complaint,
    ComplaintEvent,
)

RULE = "complaint.feedback"
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # base32 without look-alikes (I, O, 0, 1)
CODE_LENGTH = 12


def new_tracking_code() -> str:
    """12 characters from a 32-letter alphabet: 60 bits from ``secrets``, unguessable."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not Complaint.objects.filter(tracking_code=code).exists():
            return code


def normalise_code(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())[:CODE_LENGTH]


# --- routing ---------------------------------------------------------------------------------


def lead_department() -> Department:
    dept = Department.objects.filter(is_lead=True).order_by("code").first()
    if dept is None:
        raise ValidationError("未配置牵头部门（民政）。")
    return dept


def county_of(region: Region) -> Region:
    node = region
    while node.level > RegionLevel.COUNTY and node.parent_id is not None:
        node = node.parent  # type: ignore[assignment]
    return node


def route_for(domain: Domain | None, region: Region) -> tuple[Department, Region, str]:
    """(department, region, why) for a complaint in ``domain`` at ``region``."""
    county = county_of(region)
    if domain is None:
        return lead_department(), county, "未确定监管领域，由民政部门牵头受理"
    for role in (RemitRole.RESPONSIBLE, RemitRole.LEAD):
        depts = list(
            Remit.objects.filter(domain=domain, role=role)
            .select_related("department")
            .order_by("department__code")
        )
        if len(depts) == 1:
            return (
                depts[0].department,
                county,
                f"按职责清单：{domain.name} 由{depts[0].department.name}{depts[0].get_role_display()}",
            )
        if len(depts) > 1:
            return (
                lead_department(),
                county,
                f"{domain.name} 有多个{depts[0].get_role_display()}部门，由民政部门牵头分办",
            )
    return lead_department(), county, f"职责清单未列明 {domain.name} 的负责部门，由民政部门牵头受理"


# --- helpers ---------------------------------------------------------------------------------


def _lock(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update(of=("self",)).get(pk=complaint.pk)


def _event(step: str, actor: Any, note: str = "", from_department: Any = None) -> Any:
    """The ``event`` of ``transition``: one ComplaintEvent with where the step left it."""

    def make(c: Complaint, from_state: str, to_state: str) -> ComplaintEvent:
        return ComplaintEvent(
            complaint=c,
            step=step,
            from_state=from_state,
            to_state=to_state,
            from_department=from_department,
            to_department=c.handling_department,
            to_region=c.handling_region,
            note=note,
            actor=policy.as_user(actor),
        )

    return make


def _save_step(
    c: Complaint, actor: Any, step: str, updates: dict[str, Any], note: str = "", **event: Any
) -> None:
    """A step that keeps the state (a reroute of an assigned complaint, an inspection of one in
    progress): the transition helper's no-op guard is by state, so the same steps by hand —
    the caller asked the policy on the locked row; one audited save, one event."""
    before = {k: getattr(c, k) for k in updates}
    for k, v in updates.items():
        setattr(c, k, v)
    save_audited(c, policy.as_user(actor), step, before)
    _event(step, actor, note, **event)(c, c.state, c.state).save()


def _public_changed() -> None:
    from supervision.publicity.web import invalidate_public_pages

    invalidate_public_pages()


def is_handler(user: Any, complaint: Complaint) -> bool:
    """Whether ``user`` works for the handling department over the complaint's place (any
    role): who sees the complainant's identity. Who may handle it is the policy's."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    region = complaint.region
    return any(
        a.department_id == complaint.handling_department_id and region.code.startswith(a.region.prefix)
        for a in user.active_assignments()
    )
