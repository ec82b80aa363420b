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


# --- to-dos (supervision.core.workbench.register_todo) --------------------------------------------

_RELATED = ("from_department", "from_region", "to_department", "to_region", "domain")


def _describe(r: Referral) -> dict[str, Any]:
    due = getattr(r, "response_due", None) or getattr(r, "send_due", None)
    return {
        "title": f"{r.institution_name or r.subject_repr} · {r.title}",
        "subtitle": f"{r.number or '抄告（草稿）'} · {r.sender_name} → {r.receiver_name}",
        "url": r.get_absolute_url(),
        "due": due,
        "overdue": bool(due and due < timezone.localdate()),
    }


def _sent(user: Any, *states: str) -> Any:
    return Referral.objects.sent_by(user).filter(state__in=states).with_clocks().select_related(*_RELATED)


def _received(user: Any, *states: str) -> Any:
    return Referral.objects.received_by(user).filter(state__in=states).with_clocks().select_related(*_RELATED)


def drafts_to_send(user: Any) -> Any:
    return _sent(user, ReferralState.DRAFT).order_by("created_at", "pk")


def to_acknowledge(user: Any) -> Any:
    return _received(user, ReferralState.SENT, ReferralState.REROUTED).order_by("response_due", "pk")


def to_respond(user: Any) -> Any:
    return _received(user, ReferralState.ACKNOWLEDGED).order_by("response_due", "pk")


def to_recognise(user: Any) -> Any:
    return _sent(user, ReferralState.RESPONDED).order_by("responded_on", "pk")


def register_todos() -> None:
    from supervision.core.workbench import register_todo

    register_todo("send", "referral.send", drafts_to_send, _describe, action="send")
    register_todo("receive", "referral.acknowledge", to_acknowledge, _describe, action="acknowledge")
    register_todo("feedback", "referral.respond", to_respond, _describe, action="respond")
    register_todo("recognise", "referral.recognise", to_recognise, _describe, action="recognise")
