"""Every write of the registry that matters: one function per state change, each in one
transaction, asking the write policy first (``policy.require`` on the locked row; the rules are
``write_rules`` on the models), re-reading the row with ``select_for_update``, with a no-op
guard, refusing what the transition table does not allow (in Chinese), and writing one audit
entry (actor, verb, before, after). Views, API actions and admin actions call these; nothing
else writes ``Institution.status``.

One module per procedure: ``registry`` (the record and its status), ``filings`` (filing,
change filing, on-site check, discovery of an unfiled institution), ``persons`` (persons,
restrictions, appointments), ``staff``, ``ratings``, ``reports`` (emergency plans, drills and
their clocks, incidents), ``exits``; ``common`` holds the clock calls and audit helpers. This
package re-exports all of them, so callers import from ``institutions.services``.

Clocks are opened and closed through ``supervision.deadlines.services`` only:
``filing.onsite_check`` (20 working days after filing), ``unfiled.onsite_check`` (20 working
days after an unfiled institution is found taking in residents), ``drill.half_yearly`` and
``drill.fire``.
"""

from __future__ import annotations

from . import common, exits, filings, persons, ratings, registry, reports, staff
from .common import (
    FIRE_DRILL_KEY_UNIT,
    RULE_DRILL,
    RULE_FILING_CHECK,
    RULE_FIRE_DRILL,
    RULE_UNFILED_CHECK,
    VERB_LABELS,
    _create,
    _meet_clock,
    _open_clock,
    _save,
    _transition,
    responsible_department,
)
from .exits import _exit, exit_asset_disposal_supervise, institution_suspend, institution_terminate
from .filings import (
    CHANGE_FILING_FIELDS,
    filing_change,
    filing_submit,
    institution_discover_unfiled,
    onsite_check_record,
)
from .persons import (
    BARRING_KINDS,
    POST_LABELS,
    appointment_make,
    ensure_not_restricted,
    institution_restrict,
    person_for,
    person_restrict,
    restriction_lift,
)
from .ratings import grade_rate, level_for_total
from .registry import (
    EDITABLE_FIELDS,
    institution_create,
    institution_file,
    institution_mark_not_operating,
    institution_mark_operating,
    institution_register,
    institution_resume,
    institution_update,
)
from .reports import (
    DRILL_KINDS,
    drill_clocks_open,
    drill_clocks_stop,
    drill_record,
    emergency_plan_add,
    fire_drill_clock,
    incident_report,
)
from .staff import certificate_add, staff_appoint, staff_leave, staff_missing_certificates, training_record

__all__ = [
    "BARRING_KINDS",
    "CHANGE_FILING_FIELDS",
    "DRILL_KINDS",
    "EDITABLE_FIELDS",
    "FIRE_DRILL_KEY_UNIT",
    "POST_LABELS",
    "RULE_DRILL",
    "RULE_FILING_CHECK",
    "RULE_FIRE_DRILL",
    "RULE_UNFILED_CHECK",
    "VERB_LABELS",
    "_create",
    "_exit",
    "_meet_clock",
    "_open_clock",
    "_save",
    "_transition",
    "appointment_make",
    "certificate_add",
    "common",
    "drill_clocks_open",
    "drill_clocks_stop",
    "drill_record",
    "emergency_plan_add",
    "ensure_not_restricted",
    "exit_asset_disposal_supervise",
    "exits",
    "filing_change",
    "filing_submit",
    "filings",
    "fire_drill_clock",
    "grade_rate",
    "incident_report",
    "institution_create",
    "institution_discover_unfiled",
    "institution_file",
    "institution_mark_not_operating",
    "institution_mark_operating",
    "institution_register",
    "institution_restrict",
    "institution_resume",
    "institution_suspend",
    "institution_terminate",
    "institution_update",
    "level_for_total",
    "onsite_check_record",
    "person_for",
    "person_restrict",
    "persons",
    "ratings",
    "registry",
    "reports",
    "responsible_department",
    "restriction_lift",
    "staff",
    "staff_appoint",
    "staff_leave",
    "staff_missing_certificates",
    "training_record",
]
