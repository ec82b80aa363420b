"""Thin Celery tasks: the sweep (idempotent, so acks_late + reject_on_worker_lost) and the
e-mails of notifications (not idempotent towards the mail server: acked early, and each
notification is claimed by a conditional UPDATE of ``emailed_at`` before it is sent)."""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import OperationalError, transaction
from django.utils import timezone

log = logging.getLogger(__name__)


@shared_task(
    name="deadlines.sweep",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=240,
    time_limit=300,
    serializer="json",
)
def sweep() -> dict[str, Any]:
    """Beat runs this every few minutes; running it twice or concurrently changes nothing.
    Delivery is queued (after commit) on the queue this sweep came from."""
    from . import services

    info = getattr(sweep.request, "delivery_info", None) or {}
    return services.sweep(queue=info.get("routing_key") or None).as_dict()


@shared_task(
    name="deadlines.deliver",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=240,
    time_limit=300,
    serializer="json",
)
def deliver() -> int:
    """Notifications for claimed, undelivered reminders (idempotent: rows are claimed by a
    conditional update; a lost task is caught up by the next sweep); e-mail after commit."""
    from . import services

    stamp, notified = services.deliver()
    if stamp:
        transaction.on_commit(lambda: send_sweep_emails.delay(stamp=stamp))
    return notified


def _send(ids_qs: Any) -> int:
    from .models import Notification

    sent = 0
    with transaction.atomic():
        rows = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(pk__in=ids_qs, emailed_at__isnull=True)
            .exclude(user__email="")
            .select_related("user")
        )
        if not rows:
            return 0
        Notification.objects.filter(pk__in=[n.pk for n in rows]).update(emailed_at=timezone.now())
    messages = [
        EmailMessage(
            subject=n.title,
            body=f"{n.body}\n\n{n.url}" if n.url else n.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[n.user.email],
        )
        for n in rows
    ]
    with get_connection() as conn:
        sent = conn.send_messages(messages) or 0
    return sent


@shared_task(
    name="deadlines.send_sweep_emails",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=240,
    time_limit=300,
    serializer="json",
)
def send_sweep_emails(stamp: str) -> int:
    """E-mail the notifications one delivery (identified by its ``delivered_at`` stamp) created."""
    import datetime as dt

    from .models import Notification

    at = dt.datetime.fromisoformat(stamp)
    return _send(Notification.objects.filter(reminder__delivered_at=at).values("pk"))


@shared_task(
    name="deadlines.send_notification_emails",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
    soft_time_limit=120,
    time_limit=180,
    serializer="json",
)
def send_notification_emails(ids: list[int]) -> int:
    """E-mail notifications created by ``notify``."""
    return _send(list(ids))
