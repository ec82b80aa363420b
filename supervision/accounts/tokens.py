"""API tokens (django-rest-knox): stored as digests only, with an expiry, one new token per
sign-in, revoked on logout, on a password change and on a deactivation (``signals.py``).

Settings: ``API_TOKEN_TTL_HOURS`` (default 10: one working day), ``API_TOKENS_PER_USER`` (the
newest N stay valid, older ones are revoked at the next sign-in; default 3), and
``API_TOKENS_END_WITH_WEB_LOGOUT`` (signing out of the web pages also revokes the user's
tokens; default on)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.models import get_token_model
from rest_framework import exceptions


def issue_token(user: Any) -> tuple[Any, str]:
    """A new token for ``user`` (the key is shown once, only its digest is stored); the
    user's oldest tokens beyond ``API_TOKENS_PER_USER`` are revoked."""
    model = get_token_model()
    instance, key = model.objects.create(user=user)
    keep = int(getattr(settings, "API_TOKENS_PER_USER", 3))
    stale = model.objects.filter(user=user).order_by("-created").values_list("digest", flat=True)[keep:]
    model.objects.filter(digest__in=list(stale)).delete()
    return instance, key


def tokens_of(user: Any) -> Any:
    from django.utils import timezone

    model = get_token_model()
    return model.objects.filter(user=user).exclude(expiry__lt=timezone.now()).order_by("-created")


class TokenAuthentication(KnoxTokenAuthentication):
    """Knox's authentication with Chinese refusals; the 401 carries ``WWW-Authenticate: Token``."""

    def authenticate(self, request: Any) -> Any:
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed as exc:
            detail = str(exc.detail)
            if "inactive" in detail.lower():
                raise exceptions.AuthenticationFailed(_("该账户已停用。")) from None
            raise exceptions.AuthenticationFailed(_("令牌无效或已过期，请重新申请令牌。")) from None
