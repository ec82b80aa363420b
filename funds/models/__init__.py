"""Funds models by concern: ``claims`` (programmes, claims, lines, flags) and ``checks`` (rule
settings, imported status lists, verified beds, quarterly spot checks, recovery orders)."""

from django.db import models

from .checks import *  # noqa: F403
from .checks import (
    AnomalyRuleConfig,
    RecoveryOrder,
    Repayment,
    ResidentStatusRecord,
    SpotCheckItem,
    SpotCheckRound,
    VerifiedBeds,
)
from .claims import *  # noqa: F403
from .claims import ClaimLine, FundFlag, ProgrammeBudget, SubsidyClaim, SubsidyProgramme
from .imports import ImportBatch, ImportKind, ImportStatus  # noqa: F401

AUDITED: tuple[type[models.Model], ...] = (
    SubsidyProgramme,
    ProgrammeBudget,
    SubsidyClaim,
    ClaimLine,
    FundFlag,
    AnomalyRuleConfig,
    ResidentStatusRecord,
    VerifiedBeds,
    SpotCheckRound,
    SpotCheckItem,
    RecoveryOrder,
    Repayment,
    ImportBatch,
)
