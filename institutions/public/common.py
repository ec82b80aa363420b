"""What the public face of the registry shares: the statuses it lists and its privacy helpers."""

from __future__ import annotations

import re
from collections.abc import Iterable

from supervision.publicity.masking import ID_PATTERN, MOBILE_PATTERN, mask_id

from ..models import (
    InstitutionStatus,
)

S = InstitutionStatus

# Listed in the directory: institutions that operate (filed, registered but not yet filed,
# temporarily suspended). A terminated institution keeps its page by credit code (its
# inspection and penalty history stays public) but leaves the directory.
PUBLIC_LIST_STATUSES: tuple[str, ...] = (S.FILED, S.REGISTERED_NOT_FILED, S.SUSPENDED)
PUBLIC_DETAIL_STATUSES: tuple[str, ...] = (*PUBLIC_LIST_STATUSES, S.TERMINATED)
# Kept for callers of the original module.
PUBLIC_STATUSES = PUBLIC_DETAIL_STATUSES

PAGE_SIZE = 20


# --- privacy helpers -----------------------------------------------------------------------


def mask_phone(value: str) -> str:
    """A mobile number is masked (138****5678); landlines and hotlines are published as is."""
    return MOBILE_PATTERN.sub(lambda m: m.group(0)[:3] + "****" + m.group(0)[-4:], value or "")


def scrub_text(value: str, keep: Iterable[str] = ()) -> str:
    """Free text typed by an institution may contain someone's ID or mobile number: mask both.
    ``keep`` lists 18-character codes that are allowed (the institution's own credit code)."""
    allowed = {k.upper() for k in keep if k}

    def id_mask(m: re.Match[str]) -> str:
        s = m.group(0)
        return s if s.upper() in allowed else mask_id(s)

    return mask_phone(ID_PATTERN.sub(id_mask, value or ""))
