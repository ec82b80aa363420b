"""What the institution home shows of rectification: how many of its notice items wait for it."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from .models import OPEN_ITEM_STATES, ItemState, NoticeItem, NoticeStatus


def open_notices(request: Any, institution_pk: int) -> dict[str, Any] | None:
    """待整改事项: open items of its issued notices (pending or rejected: the institution's turn)."""
    count = (
        NoticeItem.objects.visible_to(request.user)
        .filter(notice__status=NoticeStatus.ISSUED, state__in=OPEN_ITEM_STATES)
        .exclude(state=ItemState.RESPONDED)
        .count()
    )
    return {"label": "待整改事项", "value": f"{count} 项", "url": reverse("institution_notices:notice_list")}
