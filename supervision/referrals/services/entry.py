"""What other apps call: the referrals of a subject, and refer()."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from supervision.core import policy
from supervision.core.models import Department, Domain, Region

from ..models import (
    OPEN_STATES,
    Referral,
)
from .create import referral_create

# --- public API ----------------------------------------------------------------------------


def referrals_for(subject: models.Model) -> QuerySet[Referral]:
    """Every referral of ``subject`` (newest first); callers apply ``visible_to`` for display."""
    ct = ContentType.objects.get_for_model(subject, for_concrete_model=False)
    return Referral.objects.filter(content_type=ct, object_id=subject.pk).select_related(
        "from_department", "from_region", "to_department", "to_region", "domain"
    )


def refer(
    subject: models.Model,
    *,
    domain: Domain | str,
    from_department: Department,
    from_region: Region,
    user: Any,
    title: str,
    description: str,
    institution_name: str = "",
    credit_code: str = "",
    evidence_summary: str = "",
    to_department: Department | None = None,
    to_region: Region | None = None,
    found_on: dt.date | None = None,
) -> Referral:
    """Record a referral of ``subject`` for the other apps (see the module docstring)."""
    # Even the idempotent answer (an open referral already exists) is for the sending body only.
    policy.require(user, Referral(from_department=from_department, from_region=from_region), "create")
    if isinstance(domain, str):
        domain = Domain.objects.get(code=domain)
    existing = (
        referrals_for(subject)
        .filter(domain=domain, from_department=from_department, state__in=OPEN_STATES)
        .order_by("pk")
        .first()
    )
    if existing is not None:
        return existing
    return referral_create(
        subject,
        actor=user,
        domain=domain,
        from_department=from_department,
        from_region=from_region,
        title=title,
        description=description,
        institution_name=institution_name,
        credit_code=credit_code,
        evidence_summary=evidence_summary,
        to_department=to_department,
        to_region=to_region,
        found_on=found_on,
    )
