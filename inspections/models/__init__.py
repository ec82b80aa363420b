"""Inspections (双随机、一公开): item lists, the inspector directory, annual plans, verifiable
random draws, inspections with their item results and evidence, and findings (hazards).

Status fields are written only by the services in ``services.py``; the allowed transitions
are the tables below."""

from .common import PUBLICATION_MONTHS, publication_end, publication_months
from .draws import DRAW_TRANSITIONS, Draw, DrawExclusion, DrawStatus
from .findings import Finding, FindingStatus, Severity, _found_by_department
from .inspectors import ConflictKind, Inspector, InspectorConflict
from .items import InspectionItem, responsible_department_for
from .plans import CoveragePeriod, InspectionPlan, default_risk_weights
from .records import (
    INSPECTION_TRANSITIONS,
    IS,
    ON_SITE,
    VERBS,
    Conclusion,
    Evidence,
    Inspection,
    InspectionKind,
    InspectionQuerySet,
    InspectionStatus,
    InspectorConfirmation,
    ItemOutcome,
    ItemResult,
    _inspecting_department,
)

__all__ = [
    "DRAW_TRANSITIONS",
    "INSPECTION_TRANSITIONS",
    "IS",
    "ON_SITE",
    "PUBLICATION_MONTHS",
    "VERBS",
    "Conclusion",
    "ConflictKind",
    "CoveragePeriod",
    "Draw",
    "DrawExclusion",
    "DrawStatus",
    "Evidence",
    "Finding",
    "FindingStatus",
    "Inspection",
    "InspectionItem",
    "InspectionKind",
    "InspectionPlan",
    "InspectionQuerySet",
    "InspectionStatus",
    "Inspector",
    "InspectorConfirmation",
    "InspectorConflict",
    "ItemOutcome",
    "ItemResult",
    "Severity",
    "_found_by_department",
    "_inspecting_department",
    "default_risk_weights",
    "publication_end",
    "publication_months",
    "responsible_department_for",
]
