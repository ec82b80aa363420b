"""The scopes and write rules the registry's models share."""

from __future__ import annotations

from supervision.core.policy import ACTING, ANY, INSTITUTION, LEAD, OWN_INSTITUTION, Allow
from supervision.core.scoping import Scope

# ``institution``: an institution account (机构端) sees its own rows (supervision/core/scoping.py).


INSTITUTION_SCOPE = Scope(region="institution__region", any_department=True, institution="institution")
# Staff-only rows about an institution (the on-site check's working record).
STAFF_ONLY_SCOPE = Scope(region="institution__region", any_department=True)

# --- who may write (the write policy, supervision/core/policy.py) ------------------------------
# The registry — records, filings, status changes, staff, appointments, grade ratings and
# training — is kept by civil affairs, the lead department (《养老机构管理办法》 arts. 10–12):
# its acting posts (admin, inspector, leader) over the institution's region. Partner
# departments, auditors and liaisons read it.
KEEP = (Allow(ACTING, LEAD),)
# What any department finds and must be able to record (004 2.6 discovery of an unfiled
# institution; 000 (五) emergency plans and drills; 003 6. incident reports): an acting post of
# any department over the region. Auditors (审计员) and liaisons (联络员) only read.
REPORT = (Allow(ACTING, ANY),)
# A restriction decided elsewhere (the credit app's listing and ban procedures, a court) is a
# registry fact recorded by the deciding post: the decision has its own rules where it is made;
# the registry asks only for an acting post over the place (never an auditor or a liaison).
RECORD = (Allow(ACTING, ANY),)
# The institution's own account (机构端, issue 17) files for itself and reports its own drills,
# plans and incidents; civil affairs may still record a filing, any department a report.
OWN = (Allow(INSTITUTION, OWN_INSTITUTION),)
REGISTRY_READ_ONLY = (
    "机构名录、备案、状态、从业人员和等级评定由民政部门（牵头部门）的管理员、监管执法人员、领导"
    "在其辖区内维护；您的岗位只能查看。"
)
REPORT_READ_ONLY = (
    "发现未备案机构、应急预案、演练和突发事件由辖区内各部门的管理员、监管执法人员、领导登记；"
    "审计员和联络员只能查看，其他辖区不能登记。"
)
