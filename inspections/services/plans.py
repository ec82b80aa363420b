"""Annual sampling plans (年度抽查计划)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from supervision.core import policy
from supervision.core.models import Department, Region

from ..models import InspectionItem, InspectionPlan
from .common import _create


def plan_create(
    *,
    actor: Any,
    region: Region,
    department: Department,
    partner_departments: Iterable[Department] = (),
    items: Iterable[InspectionItem] = (),
    **fields: Any,
) -> InspectionPlan:
    """Make a department's annual plan at a region (title, year, ratios, weights, team size,
    coverage): only an acting post of that department over that region may."""
    with transaction.atomic():
        policy.require(actor, InspectionPlan, "create", region=region, department=department)
        plan = InspectionPlan(
            region=region, department=department, created_by=policy.as_user(actor), **fields
        )
        _create(plan, actor, "create")
        plan.partner_departments.set([d for d in partner_departments if d.pk != department.pk])
        plan.items.set(list(items))
    return plan
