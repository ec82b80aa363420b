from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Identity: passwords, sessions, API tokens, two-factor sign-in, lockout, 三员分立."""

    name = "supervision.accounts"
    label = "accounts"
    verbose_name = _("账户与身份")

    def ready(self) -> None:
        from . import schema, signals  # noqa: F401  (token revocation: infrastructure; schema extension)
