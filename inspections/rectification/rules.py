"""Who may write rectification: the Allow tuples of the models' ``write_rules``
(``supervision.core.policy``). Read with the README's "Who handles a notice"."""

from __future__ import annotations

from supervision.core.policy import ACTING, ADMINS, INSTITUTION, LEAD, LEADERS, OWN_INSTITUTION, OWNER, Allow

# The issuing department's acting posts (inspector, leader, admin) over the notice's region
# handle it: responses, acceptances, rejections, discarding a draft (README "Who handles a
# notice"). Auditors and liaisons only read (policy: ACTING excludes them). The lead department
# (民政) sees a partner's notices through its scope but does not handle them: OWNER only. A
# sibling county never acts: the region must lie in the post's jurisdiction.
HANDLERS = (Allow(ACTING, OWNER),)
# Leaders approve (责令停业整顿 is a decision of the issuing department's leader).
DECIDERS = (Allow(LEADERS, OWNER),)
# A rectification clock is waived only where it could be accepted: the issuing department, by a
# leader or an administrator (a civil-affairs leader cannot waive fire rescue's clock, just as
# they cannot accept its items). The clock's own rule (``Deadline.write_rules["waive"]``: leaders
# and admins of its responsible department, which for an item clock is the issuing department)
# gives the same answer; tests/rectification/test_write_policy.py keeps the two together.
WAIVERS = (Allow(LEADERS + ADMINS, OWNER),)
# 挂牌督办 is coordinated by civil affairs (000 (十), 002 (二), 003 2.: 民政部门会同有关部门提请
# 政府挂牌督办): civil affairs opens it; its progress and closure are recorded by the hazard's
# department or by civil affairs.
LISTING_OPENERS = (Allow(ACTING, LEAD),)
LISTING_HANDLERS = (Allow(ACTING, OWNER), Allow(ACTING, LEAD))
# The institution's own account (机构端, issue 17) on its own notices: it signs for a notice
# (送达回证) and reports on its items; it never accepts, rejects or waives.
OWN = (Allow(INSTITUTION, OWN_INSTITUTION),)
# 信用修复 of a penalty's publication (issue 17): the institution's own account applies for its
# own penalty; the deciding department's acting posts (those who may end the publication) decide.
REPAIR_APPLICANTS = OWN
REPAIR_DECIDERS = HANDLERS
