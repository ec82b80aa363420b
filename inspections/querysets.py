"""Reads beyond the default scope (a scope extension registered in apps.py):

* partner departments taking part in a joint inspection see it;
* the department that found a problem keeps seeing its finding after the finding was
  handed to the responsible department for referral.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q


def joint_inspection_scope(model: type[models.Model], user: Any) -> Q | None:
    from .models import Finding, Inspection

    if model is Inspection:
        q = Q(pk__in=[])
        for a in user.active_assignments():
            q |= Q(
                pk__in=Inspection.objects.filter(
                    partner_departments=a.department_id, institution__region__code__startswith=a.region.prefix
                ).values("pk")
            )
        return q
    if model is Finding:
        q = Q(pk__in=[])
        for a in user.active_assignments():
            q |= Q(
                found_by_department_id=a.department_id, institution__region__code__startswith=a.region.prefix
            )
        return q
    return None
