"""An encrypted text column for personal identifiers (ID numbers, mobile numbers).

The value is a Fernet token in the database (AES-128-CBC + HMAC-SHA256, key
``PERSONAL_DATA_ENCRYPTION_KEY``; several comma-separated keys allow rotation) and plain text
in Python. Empty stays empty, so ``exclude(field="")`` still works; nothing else can be
filtered on (the keyed hash beside it is for lookups). A value that is not a token (a row
written before the column was encrypted) reads as it is and is encrypted on its next save.
Audit diffs never carry the clear value (supervision/core/audit.py masks these fields)."""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Any

from django.conf import settings
from django.db import models

TOKEN_PREFIX = "gAAAAA"  # nosec B105 # not a secret: every Fernet token (version byte 0x80) starts so in base64


def encrypt(value: str) -> str:
    from .keys import fernet

    return fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    from .keys import fernet

    return fernet().decrypt(token.encode()).decode()


def is_token(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(TOKEN_PREFIX) and len(value) >= 80


class EncryptedCharField(models.TextField):
    """Plain text in Python, a Fernet token at rest. ``max_length`` checks the clear value."""

    encrypted = True

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if is_token(value):
            return decrypt(value)
        return value

    def to_python(self, value: Any) -> Any:
        if is_token(value):
            return decrypt(value)
        return value

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "" or is_token(value):
            return value
        return encrypt(str(value))

    def formfield(self, **kwargs: Any) -> Any:  # type: ignore[override]
        from django import forms

        return super().formfield(**{"widget": forms.TextInput, **kwargs})


def normalise_phone(value: str) -> str:
    """A phone number as compared: spaces, hyphens and brackets dropped (0635-1234567 and
    0635 1234567 are one number)."""
    return re.sub(r"[\s\-()（）]", "", value or "")


def phone_hash(value: str) -> str:
    """Keyed hash of a phone number (HMAC-SHA256 with ``PERSONAL_DATA_KEY``, as the ID numbers'
    hash): equal numbers match without decrypting, and the small space of numbers cannot be
    brute-forced without the key. Empty for no number."""
    number = normalise_phone(value)
    if not number:
        return ""
    key = str(settings.PERSONAL_DATA_KEY).encode()
    return hmac.new(key, number.encode(), hashlib.sha256).hexdigest()


def is_encrypted(field: Any) -> bool:
    return bool(getattr(field, "encrypted", False))
