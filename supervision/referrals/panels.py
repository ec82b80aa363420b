"""The workbench panel "referrals awaiting my department" (待办抄告) for the receiving side."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from .models import AWAITING_RESPONSE, Referral, ReferralState

PANEL_SIZE = 10


def awaiting_my_department(request: Any) -> dict[str, Any] | None:
    """Referrals received by the user's departments that still wait for acknowledgement or a
    response, soonest response due first; nothing for users without such referrals."""
    user = request.user
    if not user.is_authenticated or user.is_superuser or not user.active_assignments():
        return None
    qs = (
        Referral.objects.received_by(user)
        .filter(state__in=AWAITING_RESPONSE)
        .with_clocks()
        .select_related("from_department", "from_region", "to_department", "to_region", "domain")
        .order_by("response_due", "pk")
    )
    rows = list(qs[: PANEL_SIZE + 1])
    if not rows:
        return None
    return {
        "template": "referrals/_panel.html",
        "context": {
            "referrals": rows[:PANEL_SIZE],
            "more": len(rows) > PANEL_SIZE,
            "today": timezone.localdate(),
            "awaiting_ack": (ReferralState.SENT, ReferralState.REROUTED),
        },
        "order": 20,
    }
