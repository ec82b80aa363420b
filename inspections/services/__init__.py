"""Every write of the inspections app that matters, one module per procedure:

* ``directories`` — the inspection-object and inspector directories, coverage;
* ``plans`` — annual sampling plans;
* ``draws`` — verifiable random draws (commit, execute, reveal, redraw);
* ``inspections`` — opening, recording (谁检查、谁录入), signatures, confirmations, closing,
  publishing, cancelling;
* ``evidence`` — evidence photos in the private file store;
* ``findings`` — findings, their hand-over by remit, grade and rectification.

Each write is one function in one transaction: it re-reads the row ``FOR UPDATE``, asks the
write policy (``policy.require``, the model's ``write_rules``) on it first, returns at once when
already in the target state, refuses what the transition tables do not allow (in Chinese,
through ``supervision.core.transitions.transition``) and writes one audit entry. Tasks, the demo
and other services acting for the system pass ``policy.SYSTEM``; ``None`` is refused.

Callers import from here (``from inspections import services``); the names below are the
package's interface.
"""

from __future__ import annotations

from .common import (
    OPERATING_STATUSES,
    SECRET_FIELDS,
    _create,
    _save,
    acting_department,
    department_covers,
)
from .directories import (
    coverage_period,
    drawable_inspectors,
    inspection_objects,
    period_bounds,
    uncovered_institutions,
)
from .draws import (
    _inspector_ids,
    _institutions_by_code,
    already_drawn,
    draw_accept_short_teams,
    draw_create,
    draw_execute,
    draw_inputs,
    draw_redraw,
    draw_reveal,
    institution_code,
    recusals,
    short_team_candidates,
)
from .evidence import evidence_add, evidence_path
from .findings import (
    finder_region,
    finding_create,
    finding_flag_for_referral,
    finding_mark_rectified,
    finding_refer,
    finding_set_severity,
)
from .inspections import (
    _signature_state,
    checklist_items,
    close_blockers,
    inspection_cancel,
    inspection_close,
    inspection_confirm_inspector,
    inspection_create,
    inspection_publish,
    inspection_record_refusal,
    inspection_sign,
    item_result_record,
    recording_department,
    required_items,
)
from .plans import plan_create

__all__ = [
    "OPERATING_STATUSES",
    "SECRET_FIELDS",
    "_create",
    "_inspector_ids",
    "_institutions_by_code",
    "_save",
    "_signature_state",
    "acting_department",
    "already_drawn",
    "checklist_items",
    "close_blockers",
    "coverage_period",
    "department_covers",
    "draw_accept_short_teams",
    "draw_create",
    "draw_execute",
    "draw_inputs",
    "draw_redraw",
    "draw_reveal",
    "drawable_inspectors",
    "evidence_add",
    "evidence_path",
    "finder_region",
    "finding_create",
    "finding_flag_for_referral",
    "finding_mark_rectified",
    "finding_refer",
    "finding_set_severity",
    "inspection_cancel",
    "inspection_close",
    "inspection_confirm_inspector",
    "inspection_create",
    "inspection_objects",
    "inspection_publish",
    "inspection_record_refusal",
    "inspection_sign",
    "institution_code",
    "item_result_record",
    "period_bounds",
    "plan_create",
    "recording_department",
    "recusals",
    "required_items",
    "short_team_candidates",
    "uncovered_institutions",
]
