"""The listing procedure of 民发〔2019〕103号: one service per step.

Every step asks the write policy first, inside its transaction, on the locked row
(``ListingProposal.write_rules``), then moves the state through the one transition helper
(``supervision.core.transitions.transition``: table check, audited save, ``ProposalEvent``).
The objection window (陈述申辩期) is the deadline engine's ``credit.objection`` clock: opened
on notice, met by a statement or by the review, with staged reminders before it closes; its
``closed`` stage marks the proposal elapsed so that the procedure may proceed."""

from .common import (
    _county,
    _forget_clock,
    _issuer,
    _lock,
    _not_before,
    _posts,
    _proposing_department,
    _step,
    grounds_for,
    policy_for,
)
from .proposals import (
    objection_window_closed,
    proposal_create,
    proposal_decide,
    proposal_elapse,
    proposal_notify,
    proposal_object,
    proposal_publish,
    proposal_review,
)
from .removal import proposal_apply_removal, proposal_decide_removal, proposal_expire, proposal_withdraw
from .sweep import _supports_skip_locked, listings_sweep

__all__ = [
    "_county",
    "_forget_clock",
    "_issuer",
    "_lock",
    "_not_before",
    "_posts",
    "_proposing_department",
    "_step",
    "_supports_skip_locked",
    "grounds_for",
    "listings_sweep",
    "objection_window_closed",
    "policy_for",
    "proposal_apply_removal",
    "proposal_create",
    "proposal_decide",
    "proposal_decide_removal",
    "proposal_elapse",
    "proposal_expire",
    "proposal_notify",
    "proposal_object",
    "proposal_publish",
    "proposal_review",
    "proposal_withdraw",
]
