"""Who may write funds: the Allow tuples of the models' ``write_rules``
(``supervision.core.policy``). Read with the README's "Funds" section.

The documents split the money between two departments: civil affairs (民政) manages the
programmes, reviews claims, checks them every quarter and recovers what was obtained by false
claims (003 4.: 民政局要加强对……补贴等资金的监督管理，每季度进行1次抽查、核查，依法打击虚报冒领);
finance (财政) approves and pays (002 附件 第5项: 财政部门会同民政部门依法对补贴资金使用情况……进行监督管理).
Audit (审计) watches the use of fiscal money (002 附件 第13项) and so reads, never writes."""

from __future__ import annotations

from typing import Any

from supervision.core.policy import ACTING, LEAD, Allow

FINANCE = "finance"
AUDIT = "audit"


def department_is(code: str, label: str) -> Any:
    """A relation: the post's department is ``code`` (财政 approves what 民政 reviewed)."""

    def relation(assignment: Any, obj: Any) -> bool:
        return bool(assignment.department.code == code)

    relation.label = label  # type: ignore[attr-defined]
    return relation


IS_FINANCE = department_is(FINANCE, "财政部门")

# 民政 keeps programmes, files claims on an institution's behalf, reviews them, draws and records
# the quarterly spot checks, reviews flags and issues recovery orders.
CIVIL_AFFAIRS = (Allow(ACTING, LEAD),)
# 财政 approves claims and records payments.
FINANCE_ACTS = (Allow(ACTING, IS_FINANCE),)
# Programmes and budgets are set up by 民政 with 财政 (002 附件 第5项: 会同); either keeps them.
PROGRAMME_KEEPERS = (Allow(ACTING, LEAD), Allow(ACTING, IS_FINANCE))
# A flag is reviewed by 民政 or, for the money it pays, 财政. Repayments of a recovery order are
# recorded by either (the money returns to the treasury; 民政 issued the order).
FLAG_REVIEWERS = (Allow(ACTING, LEAD), Allow(ACTING, IS_FINANCE))
REPAYMENT_RECORDERS = (Allow(ACTING, LEAD), Allow(ACTING, IS_FINANCE))
