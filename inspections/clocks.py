"""The inspections app's calls into the deadline engine (supervision.deadlines.services).

The engine's contract is fixed in its module docstring; while it is being built the functions
may not exist yet, so each call resolves them at run time and does nothing if they are missing.
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)

FILING_ONSITE = "filing.onsite_check"
UNFILED_ONSITE = "unfiled.onsite_check"
PUBLISH_RESULT = "inspection.publish_result"
YEARLY_COVERAGE = "inspection.yearly_coverage"


def _service(name: str) -> Any:
    from supervision.deadlines import services

    fn = getattr(services, name, None)
    if fn is None:
        log.warning("deadline engine has no %s yet; clock call skipped", name)
    return fn


def meet(subject: Any, rule_code: str, *, by: Any = None, at: Any = None) -> int:
    fn = _service("deadline_meet")
    return fn(subject, rule_code, by=by, at=at) if fn else 0


def open_clock(
    subject: Any, rule_code: str, start: Any, *, department: Any, region: Any, note: str = ""
) -> Any:
    fn = _service("deadline_open")
    return fn(subject, rule_code, start, department=department, region=region, note=note) if fn else None


def coverage_period_override(region: Any) -> str | None:
    """The region's ``inspection.yearly_coverage`` rule (with its regional override) as a
    coverage period: 'half_year' when the rule's period is six months or less, 'year'
    otherwise; None when the rules engine or the rule is not available."""
    getter = getattr(_services_module(), "rule_for", None)
    if getter is None:
        return None
    try:
        rule = getter(YEARLY_COVERAGE, region=region)
    except Exception:  # no such rule configured: the plan's own field applies
        return None
    months = getattr(rule, "period_months", None)
    if months is None:
        return None
    return "half_year" if months <= 6.1 else "year"


def _services_module() -> Any:
    from supervision.deadlines import services

    return services
