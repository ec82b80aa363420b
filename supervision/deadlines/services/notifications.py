"""In-app notifications (and their e-mail, after commit) and who receives a clock's stages."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from supervision.core.models import Role

from ..models import Deadline, Notification, NotificationKind
from .rules import ancestor_codes

# Who receives ordinary stages and who receives escalations (see the recipients below).
STAFF_ROLES = (Role.INSPECTOR, Role.ADMIN, Role.LIAISON)
LEADER_ROLES = (Role.LEADER,)


def notify(
    users: Iterable[Any],
    *,
    title: str,
    body: str,
    url: str = "",
    kind: str = NotificationKind.INFO,
    deadline: Deadline | None = None,
) -> list[Notification]:
    """Create one in-app notification per user (bulk) and e-mail them after commit."""
    from .. import tasks

    now = timezone.now()
    seen: set[int] = set()
    rows = []
    for u in users:
        uid = getattr(u, "pk", u)
        if uid in seen:
            continue
        seen.add(uid)
        rows.append(
            Notification(
                user_id=uid,
                title=title[:200],
                body=body,
                url=url[:300],
                kind=kind,
                deadline=deadline,
                created_at=now,
            )
        )
    made = Notification.objects.bulk_create(rows, batch_size=2000)
    ids = [n.pk for n in made if n.pk]
    if ids:
        transaction.on_commit(lambda: tasks.send_notification_emails.delay(ids=ids))
    return made


def unread_count(user: Any) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notification_mark_read(user: Any, pk: int | None = None) -> int:
    """Mark one (or, without ``pk``, every) unread notification of ``user`` as read."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if pk is not None:
        qs = qs.filter(pk=pk)
    return qs.update(read_at=timezone.now())


# --- recipients -----------------------------------------------------------------------------


def staff_recipients(deadline: Deadline) -> QuerySet:
    """Ordinary stages go to the responsible department's staff at the deadline's own region."""
    from supervision.core.models import User

    return User.objects.filter(
        is_active=True,
        assignments__active=True,
        assignments__department_id=deadline.department_id,  # type: ignore[misc]
        assignments__region_id=deadline.region_id,
        assignments__role__in=STAFF_ROLES,
    ).distinct()


def leader_recipients(deadline: Deadline) -> QuerySet:
    """Escalations go to the department's leaders at the region and every ancestor region."""
    from supervision.core.models import User

    return User.objects.filter(
        is_active=True,
        assignments__active=True,
        assignments__department_id=deadline.department_id,  # type: ignore[misc]
        assignments__region__code__in=ancestor_codes(deadline.region),
        assignments__role__in=LEADER_ROLES,
    ).distinct()
