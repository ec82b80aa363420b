"""送达回证 online (机构端, issue 17): the institution's account signs for an issued notice.

The paper 送达回证 is the notice PDF's last page (``notice_context``'s ``receipt``); an online
signature records the same facts (who signed, in what capacity, when, how it was served) once,
and the notice page shows them to the issuing department."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from supervision.core import policy
from supervision.core.audit import create_audited

from ..institution_models import ONLINE_SERVICE, NoticeReceipt
from ..models import NoticeStatus, RectificationNotice
from .common import visible


def _signer(actor: Any) -> tuple[str, str]:
    """The named person of the institution's account and their capacity (法定代表人 …)."""
    account = getattr(actor, "institution_account", None)
    if account is None:
        return (actor.get_full_name() or actor.get_username()), ""
    return account.person_name, account.get_capacity_display()


def notice_acknowledge(notice: RectificationNotice, *, actor: Any) -> NoticeReceipt:
    """签收: the institution acknowledges receipt of its issued notice online (its 送达回证),
    recorded with the time. Signing twice returns the first receipt unchanged."""
    visible(actor, notice)
    with transaction.atomic():
        notice = RectificationNotice.objects.select_for_update(of=("self",)).get(pk=notice.pk)
        policy.require(actor, notice, "acknowledge")
        existing = NoticeReceipt.objects.filter(notice=notice).first()
        if existing is not None:
            return existing
        if notice.status == NoticeStatus.DRAFT:
            raise ValidationError("整改通知书尚未下达，不能签收。")
        name, capacity = _signer(actor)
        return create_audited(
            NoticeReceipt(
                notice=notice,
                received_at=timezone.now(),
                received_by=policy.as_user(actor),
                signer_name=name,
                signer_capacity=capacity,
                method=ONLINE_SERVICE,
            ),
            actor,
            "acknowledge",
        )
