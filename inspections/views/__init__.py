"""Staff pages (thin): lists and details go through ``visible_to``; every write calls a service."""

from .common import _errors
from .directory import InspectorListView, ItemListView, ObjectDirectoryView, objects_queryset
from .findings import LIST_KINDS, FindingDetailView, FindingListView, finding_create, finding_next_steps
from .inspection_pages import (
    INSPECTION_ACTIONS,
    InspectionListView,
    _inspection,
    checklist,
    evidence_file,
    inspection_action,
    inspection_create,
    inspection_detail,
)
from .overview import OVERVIEW_PROGRESS, overview
from .plans import (
    DRAW_ACTIONS,
    CoverageView,
    DrawDetailView,
    PlanDetailView,
    PlanListView,
    _exclusion_label,
    _inspector_pks,
    _risk_counts,
    draw_action,
    draw_create,
    plan_create,
)

__all__ = [
    "DRAW_ACTIONS",
    "INSPECTION_ACTIONS",
    "LIST_KINDS",
    "OVERVIEW_PROGRESS",
    "CoverageView",
    "DrawDetailView",
    "FindingDetailView",
    "FindingListView",
    "InspectionListView",
    "InspectorListView",
    "ItemListView",
    "ObjectDirectoryView",
    "PlanDetailView",
    "PlanListView",
    "_errors",
    "_exclusion_label",
    "_inspection",
    "_inspector_pks",
    "_risk_counts",
    "checklist",
    "draw_action",
    "draw_create",
    "evidence_file",
    "finding_create",
    "finding_next_steps",
    "inspection_action",
    "inspection_create",
    "inspection_detail",
    "objects_queryset",
    "overview",
    "plan_create",
]
