"""The daily sweep of the listing clocks."""

from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.db import transaction

from supervision.core import policy

from ...models import (
    IN_FORCE_STATES,
    CreditGrade,
    ListingProposal,
)
from ..common import today
from ..grading import grade_recompute
from .removal import proposal_expire

log = logging.getLogger(__name__)


def listings_sweep(on: dt.date | None = None) -> dict[str, int]:
    """Daily, idempotent: read new registry facts into the ledger (commitments, on-site
    verifications, grade ratings), remove entries whose term has ended, refresh grades whose
    inputs expire or decay. (The close of objection windows is the deadline engine's: the
    ``closed`` stage of ``credit.objection``.)

    The claim holds while the work is done: the entries to remove are locked with
    ``select_for_update(skip_locked=True)`` and removed in that same transaction, so a second
    sweep running at the same time skips them (and finds them removed once this one commits),
    and a row another transaction holds (a leader deciding its early removal) is left to the
    next sweep rather than waited for. A claim committed before the work would claim nothing."""
    from ..registry import registry_facts_sync

    on = on or today()
    counts = {"expired": 0, "regraded": 0}
    counts["registry_facts"] = registry_facts_sync(on)
    with transaction.atomic():
        claimed = list(
            ListingProposal.objects.select_for_update(skip_locked=_supports_skip_locked(), of=("self",))
            .filter(state__in=IN_FORCE_STATES, permanent=False, term_ends__lt=on)
            .defer("decision_pdf")
            .order_by("pk")
        )
        for p in claimed:
            try:
                proposal_expire(p, on=on, actor=policy.SYSTEM)
            except ValidationError:  # the savepoint of that row is rolled back; the others go on
                log.exception("listing %s not expired", p.pk)
                continue
            counts["expired"] += 1
    stale = CreditGrade.objects.filter(computed_for__lt=on).values_list("credit_code", flat=True)
    for code in list(stale):
        grade_recompute(code, on)
        counts["regraded"] += 1
    return counts


def _supports_skip_locked() -> bool:
    from django.db import connection

    return connection.features.has_select_for_update_skip_locked
