"""Every write of the credit app, and the read functions other apps call.

WRITE API FOR OTHER APPS (inspections, funds, complaints) — the only way into the ledger::

    record_fact(subject_code, kind, *, title, source=None, document="", effective=None,
                expires=None, points=None, person_name="", person_id_number="",
                domain=None, department=None, entered_by=None) -> CreditRecord

* ``subject_code``: the institution's unified social credit code (the registry must know it).
* ``kind``: a ``credit.models.RecordKind`` value, e.g. ``"inspection_passed"``,
  ``"inspection_failed"``, ``"major_hazard"``, ``"major_hazard_rectified"``,
  ``"major_hazard_overdue"`` (a major fire hazard not rectified by its deadline),
  ``"penalty"``, ``"complaint_upheld"``, ``"subsidy_fraud"``.
* ``source``: the model instance the fact comes from (inspection, penalty decision, subsidy
  recovery …); idempotent per (source, kind): feeding the same fact twice returns the first.
* ``document``: the document that establishes it (文书名称及文号).
* ``effective`` defaults to today; ``expires`` defaults to effective + the rule's validity.
* ``points`` defaults to the configured ``GradingRule`` for the kind.
* ``domain`` (a Domain or its code) and ``department`` decide who sees the record besides the
  lead department; ``department`` defaults to ``entered_by``'s department.
The institution's grade is recomputed in the same transaction.

READ API (no import of the caller's app needed)::

    risk_class_for(credit_codes) -> {code: "low" | "medium" | "high"}
    risk_source(institutions) -> {institution_id: class}  # for inspections.risk.register_risk_source
    is_listed(credit_code, on=None) -> bool            # joint-punishment list in force
    restrictions_for(credit_code, on=None) -> list[dict]  # measures in force (000 (十三))
    restriction_check(credit_code, measure, on=None)    # raises ValidationError with the reason:
        # funds call it with "no_fiscal_support" before approving a subsidy and with
        # "no_government_purchase" before a purchase; awards/pilots with "no_award"/"no_policy_pilot"
    selection_flags(credit_code, on=None) -> list[str]  # warnings for award and pilot selection

The listing procedure (民发〔2019〕103号), one service per step, each atomic: the write policy
(``ListingProposal.write_rules``) asked first on the locked row, a no-op guard, then the one
transition helper (table check against ``models.TRANSITIONS``, one audit entry, one
``ProposalEvent``)::

    proposal_create → proposal_notify → proposal_object | proposal_elapse → proposal_review
    → proposal_decide → proposal_publish → proposal_apply_removal → proposal_decide_removal
    proposal_expire (daily sweep ``listings_sweep``), proposal_withdraw

The objection window is the deadline engine's ``credit.objection`` clock (opened by the notice,
met by a statement or the review); its ``closed`` stage calls ``objection_window_closed``, which
marks the proposal elapsed. Tasks and sweeps act as ``policy.SYSTEM``.

Restrictions decided here are recorded in ``institutions`` through its services
(``institution_restrict``, ``person_restrict``, ``restriction_lift``) with the decision number
as their source, so the registry refuses a grade rating or an appointment by itself.
"""

from supervision.workcal.services import add_months  # noqa: F401

from ..models import GROUNDS  # noqa: F401
from .common import (  # noqa: F401
    JOINT_MEASURES,
    KIND_DOMAIN,
    STAFF_KINDS,
    STEP_LABELS,
    WATCH_MEASURES,
    add_years,
    institution_by_code,
    rules_table,
    today,
)
from .enforcement import person_matches  # noqa: F401
from .grading import (  # noqa: F401
    REFUSING_MEASURES,
    grade_compute,
    grade_for_score,
    grade_recompute,
    is_listed,
    listings_in_force,
    restriction_check,
    restrictions_for,
    risk_class_for,
    risk_source,
    selection_flags,
    thresholds,
)
from .ledger import record_enter, record_fact, record_withdraw, staff_kinds_for, staff_record  # noqa: F401
from .procedure import (  # noqa: F401
    grounds_for,
    listings_sweep,
    objection_window_closed,
    policy_for,
    proposal_apply_removal,
    proposal_create,
    proposal_decide,
    proposal_decide_removal,
    proposal_elapse,
    proposal_expire,
    proposal_notify,
    proposal_object,
    proposal_publish,
    proposal_review,
    proposal_withdraw,
)
from .registry import registry_facts_sync  # noqa: F401
