"""Every write of referrals, and the public API other apps call.

PUBLIC API (findings, complaints and fund risks all use it; no domain import here)::

    refer(subject, *, domain, from_department, from_region, user, title, description,
          institution_name="", credit_code="", evidence_summary="", to_department=None,
          to_region=None, found_on=None) -> Referral
        Record a referral (draft) of ``subject`` (any model instance) and open the
        ``referral.send`` clock (000 (十): 7 working days) from ``found_on`` (the day the
        out-of-remit problem was found; default today) for the sending department. The
        receiver defaults to the remit matrix's responsible department for ``domain`` at the
        county of ``from_region``. Idempotent: an open referral of the same subject, domain and
        sending department is returned unchanged.
    referrals_for(subject) -> QuerySet[Referral]
    register_result_listener(fn, model=None)
        ``fn(referral, subject)`` is called inside the recognising transaction when the sender
        recognises the receiver's result (结果互认), so the referring app can record it on its
        finding. With ``model``, only for subjects of that model.
    responsible_department_for(domain, exclude=None) -> Department | None

STEPS (one service each; atomic, the write policy first (``Referral.write_rules``: the sending
body drafts, sends, recognises and withdraws; the receiving body acknowledges, responds and
reroutes; liaisons only carry — draft, send, acknowledge), then the one transition helper:
``select_for_update``, no-op guard, ``TRANSITIONS`` check, one audit entry, one
``ReferralEvent``)::

    referral_create → referral_send → referral_acknowledge → referral_respond
    → referral_recognise;  referral_reroute (receiver: the matrix says another department);
    referral_cancel (sender: withdrawn before the receiver takes it up)

Sending allocates the number (阳民抄告〔2026〕3号), renders and stores the 抄告函 PDF with the
referral as its subject, meets ``referral.send`` and opens ``referral.response`` for the
receiver (configurable length, default 10 working days); re-routing meets the old receiver's
clock with the hop and opens a fresh one for the new receiver."""

from .common import (
    LETTER_KIND,
    LETTER_KIND_SHORT,
    LETTER_TEMPLATE,
    RECEIVER_ROLES,
    ROLE_ORDER,
    ResultListener,
    S,
    _actor,
    _listeners,
    _lock,
    _move,
    can_act,
    county_of,
    has_remit,
    register_result_listener,
    responsible_department_for,
    today,
)
from .create import letter_context, letter_title, referral_create, referral_preview_html
from .entry import refer, referrals_for
from .notify import _notify_receiver, _notify_sender, body_users
from .steps import (
    STEP_SERVICES,
    _register_word_draft,
    referral_acknowledge,
    referral_cancel,
    referral_recognise,
    referral_reroute,
    referral_respond,
    referral_send,
)

__all__ = [
    "LETTER_KIND",
    "LETTER_KIND_SHORT",
    "LETTER_TEMPLATE",
    "RECEIVER_ROLES",
    "ROLE_ORDER",
    "STEP_SERVICES",
    "ResultListener",
    "S",
    "_actor",
    "_listeners",
    "_lock",
    "_move",
    "_notify_receiver",
    "_notify_sender",
    "_register_word_draft",
    "body_users",
    "can_act",
    "county_of",
    "has_remit",
    "letter_context",
    "letter_title",
    "refer",
    "referral_acknowledge",
    "referral_cancel",
    "referral_create",
    "referral_preview_html",
    "referral_recognise",
    "referral_reroute",
    "referral_respond",
    "referral_send",
    "referrals_for",
    "register_result_listener",
    "responsible_department_for",
    "today",
]
