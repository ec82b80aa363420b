"""Password rules: Django's validators, with a Chinese message for the length rule.

Django 5.2 reworded the minimum-length error ("at least %d characters") and its zh-hans
catalogue has no translation of the new wording yet, so a user who typed an 11-character
password saw an English error in an otherwise Chinese page. The rule itself is Django's."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """At least ``min_length`` characters (the portal sets 12)."""

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(self.get_error_message(), code="password_too_short")

    def get_error_message(self) -> str:
        return gettext("密码太短：至少需要 %(min_length)d 个字符。") % {"min_length": self.min_length}

    def get_help_text(self) -> str:
        return gettext("密码至少需要 %(min_length)d 个字符。") % {"min_length": self.min_length}
