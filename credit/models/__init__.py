"""The ledger of trust: credit records keyed by the credit code, grades computed from them by
configurable rules, and the listing procedure of 民发〔2019〕103号 (joint-punishment list,
watch list, industry bans).

Nothing here imports an app above ``institutions``; other apps write through
``credit.services`` (see its docstring for the write API)."""

# The institution's own files in a procedure, in their own module.
from ..institution_models import AttachmentPurpose, ProposalAttachment  # noqa: F401
from .common import OBJECTION_RULE
from .grading import CreditGrade, Grade, GradeThreshold, GradingRule, RiskClass
from .ledger import CreditRecord, CreditRecordQuerySet, RecordKind, _lead_keeps_unowned
from .policy import GROUNDS, Ground, GroundSpec, ListingPolicy, ListType
from .proposals import (
    _DECIDER,
    _PARTY,
    _PROPOSER,
    IN_FORCE_STATES,
    PUBLIC_STATES,
    STEP_LABELS,
    TRANSITIONS,
    ListingProposal,
    ListingProposalQuerySet,
    P,
    ProposalEvent,
    ProposalState,
    RemovalReason,
    steps_from,
)

__all__ = [
    "GROUNDS",
    "IN_FORCE_STATES",
    "OBJECTION_RULE",
    "PUBLIC_STATES",
    "STEP_LABELS",
    "TRANSITIONS",
    "_DECIDER",
    "_PARTY",
    "_PROPOSER",
    "CreditGrade",
    "CreditRecord",
    "CreditRecordQuerySet",
    "Grade",
    "GradeThreshold",
    "GradingRule",
    "Ground",
    "GroundSpec",
    "ListType",
    "ListingPolicy",
    "ListingProposal",
    "ListingProposalQuerySet",
    "P",
    "ProposalEvent",
    "ProposalState",
    "RecordKind",
    "RemovalReason",
    "RiskClass",
    "_lead_keeps_unowned",
    "steps_from",
]
