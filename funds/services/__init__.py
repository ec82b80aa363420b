"""Funds services by concern; ``funds.services`` re-exports the public names.

* ``flags``: raise and review fund flags (shared with ``funds.deposits`` and ``funds.fundraising``);
* ``claims``: programmes, claims and their lines, review, approval, payment;
* ``anomalies``: the anomaly rules (set-based) that flag claims;
* ``imports``: Excel import of claim lines and of the deceased/absent lists (preview, confirm);
* ``spotchecks``: the quarterly spot checks with their verifiable draw and clock;
* ``recovery``: recovery orders (追缴), repayments, the credit fact.
"""

from .anomalies import RULES as ANOMALY_RULES
from .anomalies import run_rules
from .claims import (
    claim_add_lines,
    claim_approve,
    claim_create,
    claim_pay,
    claim_remove_line,
    claim_review,
    claim_submit,
    programme_save,
)
from .flags import flag_raise, flag_review, flag_rule_label, register_flag_rule
from .recovery import recovery_issue, recovery_record_penalty, repayment_record
from .spotchecks import (
    spot_check_commit,
    spot_check_draw,
    spot_check_open,
    spot_check_record,
    spot_checks_open_quarter,
)

__all__ = [
    "ANOMALY_RULES",
    "claim_add_lines",
    "claim_approve",
    "claim_create",
    "claim_pay",
    "claim_remove_line",
    "claim_review",
    "claim_submit",
    "flag_raise",
    "flag_review",
    "flag_rule_label",
    "programme_save",
    "recovery_issue",
    "recovery_record_penalty",
    "register_flag_rule",
    "repayment_record",
    "run_rules",
    "spot_check_commit",
    "spot_check_draw",
    "spot_check_open",
    "spot_check_record",
    "spot_checks_open_quarter",
]
