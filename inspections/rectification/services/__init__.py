"""Every write of rectification: one function per state change, each in one transaction, on the
row re-read with ``select_for_update``, asking the write policy first (``policy.require`` on the
model's ``write_rules``), stepping through ``supervision.core.transitions.transition`` (no-op
guard, the tables in ``models.py``, one audit entry).

    notice_create → notice_issue → notice_acknowledge (the institution, optional)
    → item_respond → item_accept | item_reject → (notice closes)
    item clock escalates (deadline engine) → item_escalated → suspension_approve
    listing_open → listing_progress_add → listing_close
    penalty_record → penalty_set_appeal | penalty_end_publication
    repair_apply (the institution) → repair_decide (grant: penalty_end_publication)

Clocks: issuing opens one ``rectification.item`` deadline per item (its own length, pinned to
the printed date); accepting meets it; a rejection with a new period replaces it. Overdue and
escalation are the engine's: the escalation stage's handler drafts the suspension order.
Listing opens a ``listing.supervision`` clock, closing meets it. Credit: a penalty, a 重大
hazard rectified on time and a 重大 hazard left overdue are fed to the ledger.

One module per procedure; this package re-exports every public name, so callers import
``inspections.rectification.services`` as before."""

from __future__ import annotations

from supervision.deadlines import services as deadlines
from supervision.documents import services as documents
from supervision.files import store as files

from .acceptance import evidence_path, item_accept, item_reject, item_respond
from .common import county_of, issuing_post, leaders_of, today
from .listings import listing_close, listing_open, listing_progress_add
from .notices import (
    NOTICE_TEMPLATE,
    ItemSpec,
    clock_length,
    item_due,
    item_due_ex,
    notice_context,
    notice_create,
    notice_discard,
    notice_issue,
    notice_preview_html,
    notice_preview_pdf,
)
from .penalties import penalty_end_publication, penalty_record, penalty_set_appeal
from .receipts import notice_acknowledge
from .repair import repair_apply, repair_decide, repair_refusal
from .suspension import (
    SUSPENSION_TEMPLATE,
    compulsory_departments,
    item_escalated,
    notice_escalate,
    overdue_items,
    rectification_escalate_overdue,
    suspension_approve,
    suspension_context,
    suspension_preview_html,
)

__all__ = [
    "NOTICE_TEMPLATE",
    "SUSPENSION_TEMPLATE",
    "ItemSpec",
    "clock_length",
    "compulsory_departments",
    "county_of",
    "deadlines",
    "documents",
    "evidence_path",
    "files",
    "issuing_post",
    "item_accept",
    "item_due",
    "item_due_ex",
    "item_escalated",
    "item_reject",
    "item_respond",
    "leaders_of",
    "listing_close",
    "listing_open",
    "listing_progress_add",
    "notice_acknowledge",
    "notice_context",
    "notice_create",
    "notice_discard",
    "notice_escalate",
    "notice_issue",
    "notice_preview_html",
    "notice_preview_pdf",
    "overdue_items",
    "penalty_end_publication",
    "penalty_record",
    "penalty_set_appeal",
    "rectification_escalate_overdue",
    "repair_apply",
    "repair_decide",
    "repair_refusal",
    "suspension_approve",
    "suspension_context",
    "suspension_preview_html",
    "today",
]
