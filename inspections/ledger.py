"""Feeding the credit ledger from inspections (floor above credit: a plain service call)."""

from __future__ import annotations

import logging
from typing import Any

from institutions.models import Institution

log = logging.getLogger(__name__)


def feed_credit(institution: Institution, kind: str, **kwargs: Any) -> None:
    """Record one credit fact for ``institution`` through ``credit.services.record_fact``
    (idempotent per source and kind). An institution without a credit code (未登记) has no
    ledger key, so the fact is skipped and logged."""
    from credit.services import record_fact

    if not institution.credit_code:
        log.info("credit fact %s skipped: %s has no credit code", kind, institution.pk)
        return
    record_fact(institution.credit_code, kind, **kwargs)
