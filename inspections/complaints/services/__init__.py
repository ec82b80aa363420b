"""Every write of the complaints app: one function per state change, each in one transaction
that locks the row, asks the write policy first (``Complaint.write_rules``), returns at once
when already in the target state and moves the state through the one transition helper
(``supervision.core.transitions.transition``: the ``TRANSITIONS`` table with a Chinese refusal,
one audited save, one ``ComplaintEvent``). Routing on receipt is the system's
(``policy.SYSTEM``); intake of a 12345 work order is civil affairs' over the place, intake of a
referral its receiving department's.

Routing (民政牵头、归口负责): the department whose Remit covers the complaint's domain with role
"responsible" (else "lead"), at the county of the institution (or of the place the complainant
named). With no domain, or when several departments are equally responsible, civil affairs
(the lead department) takes it and routes it on by hand (``complaint_reassign``).

The feedback clock ``complaint.feedback`` (5 working days, 003 10.) opens on receipt through the
deadline engine and is met by the reply (or by the merge of a duplicate)."""

from ..models import OPEN_STATES
from .common import (
    CODE_ALPHABET,
    CODE_LENGTH,
    RULE,
    _event,
    _lock,
    _public_changed,
    _save_step,
    county_of,
    is_handler,
    lead_department,
    new_tracking_code,
    normalise_code,
    route_for,
)
from .handling import (
    complaint_close,
    complaint_launch_inspection,
    complaint_merge,
    complaint_reassign,
    complaint_reply,
    complaint_route,
    complaint_start,
)
from .intake import (
    MAX_PHOTOS,
    _create,
    _forget,
    _keep_photos,
    _nullcontext,
    complaint_from_referral,
    complaint_register_hotline,
    complaint_submit_public,
    referral_for_intake,
)
from .reads import complaint_counts, risk_source

__all__ = [
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "MAX_PHOTOS",
    "OPEN_STATES",
    "RULE",
    "__all__",
    "_create",
    "_event",
    "_forget",
    "_keep_photos",
    "_lock",
    "_nullcontext",
    "_public_changed",
    "_save_step",
    "complaint_close",
    "complaint_counts",
    "complaint_from_referral",
    "complaint_launch_inspection",
    "complaint_merge",
    "complaint_reassign",
    "complaint_register_hotline",
    "complaint_reply",
    "complaint_route",
    "complaint_start",
    "complaint_submit_public",
    "county_of",
    "is_handler",
    "lead_department",
    "new_tracking_code",
    "normalise_code",
    "referral_for_intake",
    "risk_source",
    "route_for",
]
