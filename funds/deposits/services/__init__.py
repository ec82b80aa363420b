"""Deposit services by concern, re-exported here.

* ``accounts``: escrow accounts, balances, the resident fee ledger, the regional configuration;
* ``checks``: the set-based checks raising ``FundFlag``s with their response clock;
* ``imports``: Excel/CSV import of the ledger and of balance reports.
"""

from .accounts import (
    account_close,
    account_open,
    balance_report,
    fee_record,
    fee_refund,
    fees_domain,
    policy_for,
)
from .checks import RESPONSE_RULE, CheckResult, checks_run, flag_respond, held_by_institution
from .imports import ImportResult, balance_import, ledger_import

__all__ = [
    "RESPONSE_RULE",
    "CheckResult",
    "ImportResult",
    "account_close",
    "account_open",
    "balance_import",
    "balance_report",
    "checks_run",
    "fee_record",
    "fee_refund",
    "fees_domain",
    "flag_respond",
    "held_by_institution",
    "ledger_import",
    "policy_for",
]
