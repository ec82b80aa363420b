"""Masking of natural persons' data for every public page and for staff outside the handling
department, and the patterns the privacy tests crawl for. One module, so that every page masks
the same way."""

from __future__ import annotations

import re

# An 18-character resident ID number and a mainland mobile number, as they would appear in text.
# Bounded by "no ASCII letter or digit" rather than ``\b``: in Chinese text a number follows a
# CJK character directly (电话13812345678), and CJK characters are word characters to ``re``, so
# ``\b`` would find no boundary there and the number would slip through unmasked. Letters and
# digits still bound it, so a credit code or a hash never yields a false match from its middle.
ID_PATTERN = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
MOBILE_PATTERN = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")


def mask_name(name: str | None) -> str:
    """Surname only: 张三丰 → 张**, 李四 → 李*."""
    name = (name or "").strip()
    if not name:
        return ""
    return name[0] + "*" * max(1, len(name) - 1)


def mask_phone(phone: str | None) -> str:
    """Keep the first three and last four digits of a mobile number (138****5678); any other
    number keeps its last four characters only."""
    phone = (phone or "").strip()
    if not phone:
        return ""
    digits = re.sub(r"\D", "", phone)
    if len(digits) == 11 and digits.startswith("1"):
        return f"{digits[:3]}****{digits[-4:]}"
    if len(phone) <= 4:
        return "*" * len(phone)
    return "*" * (len(phone) - 4) + phone[-4:]


def mask_id(number: str | None) -> str:
    """Keep the first four and last four characters: 371521198001011234 → 3715**********1234."""
    number = (number or "").strip().upper()
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def scrub(text: str | None) -> str:
    """Mask anything shaped like an ID number or a mobile number inside free text."""
    text = text or ""
    text = ID_PATTERN.sub(lambda m: mask_id(m.group(0)), text)
    return MOBILE_PATTERN.sub(lambda m: mask_phone(m.group(0)), text)


def find_personal_data(text: str, *, allow: tuple[str, ...] = ()) -> list[str]:
    """Every ID-shaped or mobile-shaped string in ``text`` (minus ``allow``, e.g. credit codes,
    which can be all digits): what the privacy crawl asserts is empty."""
    for value in allow:
        if value:
            text = text.replace(value, "")
    return ID_PATTERN.findall(text) + MOBILE_PATTERN.findall(text)
