"""What every procedure of the registry shares: the clock rules it opens, the audit helpers, the
one status transition, and the calls into the deadline engine.

Clocks are opened and closed through ``supervision.deadlines.services`` only (``_open_clock``
and ``_meet_clock`` here; tests replace them on this module)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models

from supervision.core.audit import create_audited, save_audited
from supervision.core.models import Department
from supervision.core.transitions import register_verbs, transition

from ..models import STATUS_TRANSITIONS, Institution

RULE_FILING_CHECK = "filing.onsite_check"
RULE_UNFILED_CHECK = "unfiled.onsite_check"
RULE_DRILL = "drill.half_yearly"
# The fire-drill clock of 000 (五): "属于消防安全重点单位的养老机构 … 至少每半年进行1次消防演练，
# 其他单位 … 至少每年组织1次消防演练". One rule (``drill.fire``, yearly) with a case override for
# key fire units (``FIRE_DRILL_KEY_UNIT``, half-yearly), both shipped and editable as rules.
RULE_FIRE_DRILL = "drill.fire"
FIRE_DRILL_KEY_UNIT = "key_fire_unit"

VERB_LABELS = {
    "file": "备案",
    "resume": "恢复服务",
    "mark_not_operating": "标记为登记但未开展养老服务",
    "mark_operating": "标记为已开展养老服务",
    "register": "补办登记",
    "suspend": "暂停服务",
    "terminate": "终止服务",
}
# For the transition helper's refusals on an institution (model-scoped: verbs like "register"
# or "suspend" mean other things in other procedures).
register_verbs(VERB_LABELS, model=Institution)


# --- audit -----------------------------------------------------------------------------------


def _create(obj: models.Model, actor: Any, verb: str) -> Any:
    from supervision.core.policy import as_user

    return create_audited(obj, as_user(actor), verb, clean=True)


def _save(obj: models.Model, actor: Any, verb: str, before: dict[str, Any]) -> None:
    from supervision.core.policy import as_user

    save_audited(obj, as_user(actor), verb, before)


def _transition(
    inst: Institution,
    target: str,
    verb: str,
    actor: Any,
    updates: dict[str, Any] | None = None,
    *,
    action: str | None = "keep",
) -> tuple[Institution, bool]:
    """Move ``inst`` to ``target`` if the table allows it; returns (row, changed). Call inside
    ``transaction.atomic``. The status is civil affairs' to keep (``action="keep"``, asked on
    the locked row); ``action=None`` when the caller's own action already decided it (a
    discovery any department reports moves a registered-not-operating institution back)."""
    return transition(
        inst,
        target,
        step=verb,
        actor=actor,
        table=STATUS_TRANSITIONS,
        field="status",
        action=action,
        updates=updates,
    )


# --- clocks ----------------------------------------------------------------------------------


def responsible_department() -> Department | None:
    """Civil affairs (the lead department) is responsible for filing checks and drill clocks."""
    return Department.objects.filter(is_lead=True).order_by("pk").first()


def _open_clock(inst: Institution, rule: str, start: dt.date, note: str = "", case: str = "") -> Any:
    from supervision.deadlines import services as deadlines

    return deadlines.deadline_open(
        inst,
        rule,
        start,
        department=responsible_department(),
        region=inst.county or inst.region,
        note=note,
        case=case,
    )


def _meet_clock(inst: Institution, rule: str, by: models.Model, at: dt.date) -> int:
    from supervision.deadlines import services as deadlines

    return deadlines.deadline_meet(inst, rule, by=by, at=at)
