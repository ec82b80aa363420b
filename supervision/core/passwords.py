"""Password rules (等保 2.0 level 3 identity items), every message in Chinese.

* at least 12 characters (Django's rule; its zh-hans catalogue lacks the 5.2 wording);
* at least three of four character classes: upper case, lower case, digits, symbols;
* not a common password, not all digits, not too similar to the user's own name (Django's
  validators, with the portal's Chinese messages so that none depends on Django's catalogue).

The rules are the validators in ``AUTH_PASSWORD_VALIDATORS``; every form that sets a password
(the change page, the admin, ``createsuperuser``) runs them through ``validate_password``."""

from __future__ import annotations

import string
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


def character_classes(password: str) -> int:
    """How many of the four classes (upper, lower, digit, other) the password uses."""
    return sum(
        (
            any(c.isupper() for c in password),
            any(c.islower() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() or c in string.punctuation for c in password),
        )
    )


class CharacterClassValidator:
    """At least ``min_classes`` of upper-case letters, lower-case letters, digits and symbols."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        if character_classes(password) < self.min_classes:
            raise ValidationError(
                gettext("密码须至少包含大写字母、小写字母、数字、符号四类中的 %(n)d 类。")
                % {"n": self.min_classes},
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return gettext("密码须至少包含大写字母、小写字母、数字、符号四类中的 %(n)d 类。") % {
            "n": self.min_classes
        }


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    """Django's list of 20,000 common passwords."""

    def validate(self, password: str, user: Any = None) -> None:
        try:
            super().validate(password, user)
        except ValidationError:
            raise ValidationError(
                gettext("这个密码太常见，容易被猜中，请换一个。"), code="password_too_common"
            ) from None

    def get_help_text(self) -> str:
        return gettext("密码不能是常见密码。")


class NumericPasswordValidator(password_validation.NumericPasswordValidator):
    def validate(self, password: str, user: Any = None) -> None:
        try:
            super().validate(password, user)
        except ValidationError:
            raise ValidationError(gettext("密码不能全部是数字。"), code="password_entirely_numeric") from None

    def get_help_text(self) -> str:
        return gettext("密码不能全部是数字。")


class UserAttributeSimilarityValidator(password_validation.UserAttributeSimilarityValidator):
    """Not too similar to the user name, the name shown on pages or the e-mail address."""

    DEFAULT_USER_ATTRIBUTES = ("username", "display_name", "first_name", "last_name", "email")

    def validate(self, password: str, user: Any = None) -> None:
        try:
            super().validate(password, user)
        except ValidationError:
            raise ValidationError(
                gettext("密码与用户名、姓名或电子邮箱太相似，请换一个。"), code="password_too_similar"
            ) from None

    def get_help_text(self) -> str:
        return gettext("密码不能与用户名、姓名或电子邮箱太相似。")
