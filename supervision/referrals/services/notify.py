"""Telling the receiving body and the sender."""

from __future__ import annotations

from django.db.models import QuerySet

from supervision.core.models import Department, Region, Role, User

from ..models import (
    Referral,
)
from .common import RECEIVER_ROLES

# --- notifications -------------------------------------------------------------------------


def body_users(department: Department, region: Region, roles: tuple[str, ...]) -> QuerySet[User]:
    return User.objects.filter(
        is_active=True,
        assignments__active=True,
        assignments__department=department,
        assignments__region=region,
        assignments__role__in=roles,
    ).distinct()


def _notify_receiver(r: Referral, title: str, body: str) -> None:
    from supervision.deadlines.services import notify

    notify(
        body_users(r.to_department, r.to_region, RECEIVER_ROLES),
        title=title,
        body=body,
        url=r.get_absolute_url(),
    )


def _notify_sender(r: Referral, title: str, body: str) -> None:
    from supervision.deadlines.services import notify

    users = list(body_users(r.from_department, r.from_region, (Role.INSPECTOR, Role.LIAISON, Role.LEADER)))
    if r.created_by_id and all(u.pk != r.created_by_id for u in users):  # type: ignore[attr-defined]
        users.append(r.created_by)  # type: ignore[arg-type]
    notify(users, title=title, body=body, url=r.get_absolute_url())
