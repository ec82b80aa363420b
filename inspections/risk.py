"""Risk classes for the draw (差异化监管): which institutions are drawn more often.

``risk_class_for(institutions)`` returns ``{institution_id: "high" | "medium" | "low"}`` from
what exists today, without importing the credit app (which sits on a higher floor):

* an open 重大 (major) finding → ``high``; an open 较大 (serious) finding → ``medium``;
* every function registered with ``register_risk_source(fn)``: the credit app's (a C grade →
  ``medium``, a D grade or a joint-punishment listing → ``high``) and the complaints app's
  (``COMPLAINT_HIGH`` or more complaints in the last year → ``high``), both registered in
  their ``AppConfig.ready``. A source receives the list of institutions and returns
  ``{institution_id: class}`` for those it has an opinion on.

The final class is the highest any source gives. A plan turns classes into draw weights
(``InspectionPlan.risk_weights``) and may list classes with no upper limit
(``InspectionPlan.uncapped_classes``: every such institution is inspected).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

RISK_CLASSES = ("low", "medium", "high")
RANK = {c: i for i, c in enumerate(RISK_CLASSES)}
COMPLAINT_HIGH = 3  # read by the complaints app's risk source

RiskSource = Callable[[Sequence[Any]], Mapping[int, str]]
_sources: list[RiskSource] = []


def register_risk_source(fn: RiskSource) -> RiskSource:
    """Add a source of risk classes (e.g. the credit grade). Idempotent."""
    if fn not in _sources:
        _sources.append(fn)
    return fn


def unregister_risk_source(fn: RiskSource) -> None:
    if fn in _sources:
        _sources.remove(fn)


def _findings_source(institutions: Sequence[Any]) -> dict[int, str]:
    from .models import Finding, FindingStatus, Severity

    ids = {i.pk for i in institutions}
    out: dict[int, str] = {}
    # Open serious/major findings are few; filtering them in Python avoids an IN list of
    # hundreds of thousands of ids (SQLite caps bound parameters).
    rows = Finding.objects.filter(
        status=FindingStatus.OPEN, severity__in=[Severity.MAJOR, Severity.SERIOUS]
    ).values_list("institution_id", "severity")
    for inst_id, severity in rows.iterator(chunk_size=5000):
        if inst_id not in ids:
            continue
        cls = "high" if severity == Severity.MAJOR else "medium"
        if RANK[cls] > RANK.get(out.get(inst_id, "low"), 0):
            out[inst_id] = cls
    return out


def _raise(current: dict[int, str], opinions: Mapping[int, str]) -> None:
    for inst_id, cls in opinions.items():
        if inst_id in current and cls in RANK and RANK[cls] > RANK[current[inst_id]]:
            current[inst_id] = cls


def risk_class_for(institutions: Iterable[Any]) -> dict[int, str]:
    """The risk class of each institution (highest of every source)."""
    insts = list(institutions)
    classes = {i.pk: "low" for i in insts}
    _raise(classes, _findings_source(insts))
    for source in list(_sources):
        _raise(classes, source(insts))
    return classes
