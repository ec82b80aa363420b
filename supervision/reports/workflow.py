"""The one service of the submission workflow (``submission.py``), shared by the statistical
reports and the 004 evaluation: submit, approve, return, the report-by clock and the clock a return opens.

Each step is one call of the transition helper (lock, no-op guard, allowed table, policy, audit
row, a step event). The report-by clock is a ``Deadline`` of the deadline engine on the
submission itself: opened when the unit is asked to report, met when it submits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from supervision.core import policy
from supervision.core.models import Department
from supervision.core.transitions import transition

from .submission import RECEIVED_STATES, TRANSITIONS, Submission, SubmissionState

T = TypeVar("T", bound=Submission)
S = SubmissionState
# The clock a return for correction opens on the submission, met by the corrected submission.
RESUBMIT_RULE = "submission.resubmit"


def _event(actor: Any, step: str, note: str = "") -> Callable[[Any, str, str], Any]:
    def make(obj: Any, frm: str, to: str) -> Any:
        return obj.make_event(step=step, from_state=frm, to_state=to, actor=policy.as_user(actor), note=note)

    return make


def record_step(obj: Submission, *, actor: Any, step: str, note: str = "") -> None:
    """A step event for a write that does not change the state (filling in, a data refresh)."""
    obj.make_event(  # type: ignore[attr-defined]
        step=step, from_state=obj.state, to_state=obj.state, actor=policy.as_user(actor), note=note
    ).save()


def lead_department() -> Department | None:
    return Department.objects.filter(is_lead=True).order_by("pk").first()


def open_clock(obj: Submission, rule_code: str, start: dt.date, *, due: dt.date | None = None) -> Any:
    """Open the report-by clock of ``obj`` (idempotent): the unit's civil affairs must submit."""
    from supervision.deadlines.services import deadline_open

    return deadline_open(
        obj, rule_code, start, department=lead_department(), region=obj.region, due=due, note=str(obj)[:300]
    )


def submission_submit(
    obj: T, *, actor: Any, rule_code: str = "", check: Callable[[T], None] | None = None
) -> T:
    """The reporting unit submits to the level above (a returned one: again, corrected).
    ``check`` refuses an incomplete submission (a ValidationError in Chinese); the report-by
    clock under ``rule_code`` is met by the submission."""
    from supervision.deadlines.services import deadline_meet

    with transaction.atomic():
        policy.require(actor, obj, "submit")
        locked = cast(T, type(obj)._default_manager.select_for_update(of=("self",)).get(pk=obj.pk))
        if locked.state in (S.SUBMITTED, S.APPROVED):
            return locked
        if check is not None:
            check(locked)
        if not locked.preparer.strip():
            raise ValidationError("请填写制表人（联系人）后再报送。")
        today = timezone.localdate()
        locked, changed = transition(
            locked,
            S.SUBMITTED,
            step="submit",
            actor=actor,
            table=TRANSITIONS,
            action=None,
            updates={
                "submitted_at": timezone.now(),
                "submitted_by": policy.as_user(actor),
                "prepared_on": locked.prepared_on or today,
                "return_reason": locked.return_reason,
            },
            event=_event(actor, "submit"),
        )
        if changed:
            for code in (rule_code, RESUBMIT_RULE):
                if code:
                    deadline_meet(locked, code, by=locked)
        return locked


def submission_approve(obj: T, *, actor: Any, note: str = "") -> T:
    """The level above accepts the submission."""
    with transaction.atomic():
        locked, _changed = transition(
            obj,
            S.APPROVED,
            step="approve",
            actor=actor,
            table=TRANSITIONS,
            action="review",
            updates={"reviewed_at": timezone.now(), "reviewed_by": policy.as_user(actor)},
            event=_event(actor, "approve", note),
        )
        return locked


def submission_return(obj: T, *, actor: Any, reason: str) -> T:
    """The level above returns the submission for correction, with the reason (required); the
    unit owes it again, on the resubmission clock (``RESUBMIT_RULE``) that opens today."""
    reason = (reason or "").strip()
    with transaction.atomic():
        policy.require(actor, obj, "review")
        if not reason:
            raise ValidationError("退回修改须写明理由。")
        locked, changed = transition(
            obj,
            S.RETURNED,
            step="return",
            actor=actor,
            table=TRANSITIONS,
            action=None,
            updates={
                "reviewed_at": timezone.now(),
                "reviewed_by": policy.as_user(actor),
                "return_reason": reason,
            },
            event=_event(actor, "return", reason),
        )
        if changed:
            open_clock(locked, RESUBMIT_RULE, timezone.localdate())
        return locked


def missing_units(queryset: Any, region: Any) -> Any:
    """The units directly below ``region`` with nothing received in ``queryset`` (submissions of
    one kind and period, already scoped to the reader)."""
    from supervision.core.models import Region

    received = queryset.filter(state__in=RECEIVED_STATES)
    return Region.objects.filter(parent=region).exclude(pk__in=received.values("region_id")).order_by("code")
