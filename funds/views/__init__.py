"""Staff pages of funds, one module per procedure (thin: scope, the write policy, form, one
service call, redirect). Every write asks the policy before its form is read; a refusal is
``Denied`` (403 with the Chinese reason); a service's ValidationError is shown as a message or
on the form. What they share is in ``common``."""

from .claims import (
    BatchDetailView,
    ClaimDetailView,
    ClaimListView,
    batch_apply,
    batch_discard,
    claim_add_line,
    claim_approve,
    claim_import,
    claim_new,
    claim_pay,
    claim_review,
    claim_submit,
    status_import,
)
from .flags import FlagDetailView, FlagListView, flag_review
from .programmes import ProgrammeListView, programme_edit
from .recovery import RecoveryDetailView, RecoveryListView, claim_recover, recovery_penalty, recovery_repay
from .spotchecks import (
    RoundDetailView,
    RoundListView,
    item_check,
    item_report,
    round_commit,
    round_draw,
    round_open,
)

__all__ = [
    "BatchDetailView",
    "ClaimDetailView",
    "ClaimListView",
    "FlagDetailView",
    "FlagListView",
    "ProgrammeListView",
    "RecoveryDetailView",
    "RecoveryListView",
    "RoundDetailView",
    "RoundListView",
    "batch_apply",
    "batch_discard",
    "claim_add_line",
    "claim_approve",
    "claim_import",
    "claim_new",
    "claim_pay",
    "claim_recover",
    "claim_review",
    "claim_submit",
    "flag_review",
    "item_check",
    "item_report",
    "programme_edit",
    "recovery_penalty",
    "recovery_repay",
    "round_commit",
    "round_draw",
    "round_open",
    "status_import",
]
