"""Personal identifiers: ID numbers are never stored in clear. A keyed HMAC-SHA256 hash
(``settings.PERSONAL_DATA_KEY``) lets a ban be matched across institutions by ID number,
and a masked form (3715**********1234) is what any page or API shows."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings

from .validators import normalise_id_number


def id_hash(id_number: str) -> str:
    """Keyed hash of a normalised ID number: equal numbers give equal hashes, and without
    the key the hash cannot be brute-forced over the small space of valid ID numbers."""
    key = str(settings.PERSONAL_DATA_KEY).encode()
    return hmac.new(key, normalise_id_number(id_number).encode(), hashlib.sha256).hexdigest()


def mask_id(id_number: str) -> str:
    """Keep the first four and last four characters: 371521198001011234 → 3715**********1234."""
    number = normalise_id_number(id_number)
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_name(name: str) -> str:
    """Public pages show a natural person's surname only: 张三丰 → 张**."""
    name = (name or "").strip()
    if not name:
        return ""
    return name[0] + "*" * max(1, len(name) - 1)
