"""What every procedure of the inspections services shares: audited saves (the draw seed kept
out of the trail), which department a user acts for, and the remit check."""

from __future__ import annotations

from typing import Any

from django.db import models

from institutions.models import InstitutionStatus
from supervision.core import policy
from supervision.core.audit import create_audited, save_audited
from supervision.core.models import Department, Domain, Region, Remit, RemitRole

# Institutions that are operating and therefore in the inspection-object directory.
OPERATING_STATUSES = (
    InstitutionStatus.FILED,
    InstitutionStatus.REGISTERED_NOT_FILED,
    InstitutionStatus.UNREGISTERED,
)

_save = save_audited


# Never written to the audit trail: the draw seed must stay secret until it is revealed
# (audit readers would otherwise know the result before the draw runs).
SECRET_FIELDS = frozenset({"seed"})


def _create(obj: models.Model, actor: Any, verb: str) -> Any:
    return create_audited(obj, actor, verb, secret_fields=SECRET_FIELDS)


def acting_department(user: Any, region: Region | None = None) -> Department | None:
    """The department a user acts for at ``region``: the first active post that may act
    (``policy.ACTING``: admin, inspector, leader; auditors and liaisons act for nobody) whose
    jurisdiction contains it, the lead department first. Which department acts is data (the
    finder, the inspecting department); whether the user may act is the policy's."""
    if user is None or not getattr(user, "is_authenticated", False) or policy.is_system(user):
        return None
    assignments = sorted(user.active_assignments(), key=lambda a: (not a.department.is_lead, a.pk))
    for a in assignments:
        if a.role not in policy.ACTING:
            continue
        if region is None or region.code.startswith(a.region.prefix):
            return a.department
    return None


def department_covers(department: Department, domain: Domain) -> bool:
    """Whether the department answers for the domain (role lead or responsible in the matrix)."""
    return Remit.objects.filter(
        department=department, domain=domain, role__in=[RemitRole.LEAD, RemitRole.RESPONSIBLE]
    ).exists()
