"""Reconciliation services (004 §二(三)(四)).

A run goes through two phases, with staff's confirmation between them:

1. **Stage** (streaming, chunk by chunk): every data row of the file is validated (credit code
   with the registry's own ``explain_credit_code``, name, township within the uploader's
   jurisdiction — taken from the address when the list gives none —, duplicates inside the
   file), matched to the registry (credit code, else normalised name + address with rapidfuzz)
   and put in exactly one class; the results are written as the run's own
   ``ReconciliationRow``s, ``CHUNK`` rows at a time, with progress on the run. For a list
   declared complete (全量) the registry institutions that no row matched are added as rows of
   their own bucket (名录外待核), outside the file's count. The registry and the worklist are not
   touched: the run stops at ``preview`` with its counts.
2. **Apply**, only after ``run_confirm`` (one ``transaction.atomic``): new registered-not-filed
   institutions are created, unregistered institutions that now appear on a list are
   registered through the registry's service, and work items are created for the townships —
   at most one open item per institution and kind, so re-importing a list duplicates nothing.
   Either all of that is committed or none of it: a failure rolls the whole apply back and
   marks the run failed (the staged rows stay as its report).

Memory stays flat in the file size: one chunk of rows at a time; duplicates are found per chunk
against the rows already staged (indexed query), not with a growing in-memory set. What is held
in memory is proportional to the registry of the jurisdiction (codes and names), not the file."""

from .common import ACTION_FOR, CHUNK, NATURE_FOR_AUTHORITY, NEGATIVE, log
from .errors import ERROR_REPORT_HEADERS, error_report_rows
from .phase1 import RegionIndex, Registry, Stager, _add_registry_absent_rows, _chunks, classify, is_operating
from .phase2 import (
    _counts,
    _create_new_institutions,
    _create_work_items,
    _link_registered_since_preview,
    _open_item_exists,
    _open_items,
    _register_unregistered,
    _rows_needing_items,
    _work_item_for,
    apply,
    institutions_create_registered_unfiled,
    run_confirm,
    run_discard,
    run_preview,
    run_process,
)
from .review import OPERATING_RESULTS, UNFILED_STATUSES, row_review, work_item_verify
from .runs import (
    _in_scope,
    _process_later,
    guess_mapping,
    mapping_problems,
    run_confirm_mapping,
    run_create,
    source_get_or_create,
    uploader_assignment,
)

__all__ = [
    "ACTION_FOR",
    "CHUNK",
    "ERROR_REPORT_HEADERS",
    "NATURE_FOR_AUTHORITY",
    "NEGATIVE",
    "OPERATING_RESULTS",
    "UNFILED_STATUSES",
    "RegionIndex",
    "Registry",
    "Stager",
    "_add_registry_absent_rows",
    "_chunks",
    "_counts",
    "_create_new_institutions",
    "_create_work_items",
    "_in_scope",
    "_link_registered_since_preview",
    "_open_item_exists",
    "_open_items",
    "_process_later",
    "_register_unregistered",
    "_rows_needing_items",
    "_work_item_for",
    "apply",
    "classify",
    "error_report_rows",
    "guess_mapping",
    "institutions_create_registered_unfiled",
    "is_operating",
    "log",
    "mapping_problems",
    "row_review",
    "run_confirm",
    "run_confirm_mapping",
    "run_create",
    "run_discard",
    "run_preview",
    "run_process",
    "source_get_or_create",
    "uploader_assignment",
    "work_item_verify",
]
