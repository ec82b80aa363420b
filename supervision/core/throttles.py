"""API throttles: one rate per signed-in user and one per API token (DRF defaults).

A user who holds several tokens (a partner department's integration and a person's own
script) shares the per-user rate across them, and each token also has its own, lower rate, so
one leaked or runaway token cannot use up its owner's allowance. Session requests (the browser)
count only against the user's rate; anonymous requests against the client address. Rates come
from ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` at request time (``api_user``, ``api_token``).
A module of its own: DRF imports throttle classes while ``rest_framework.views`` is imported.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

DEFAULT_RATES = {"api_user": "600/min", "api_token": "300/min"}  # nosec B105 # throttle rates, not a password


class _SettingsRateThrottle(SimpleRateThrottle):
    """Reads its rate from the settings on each request (DRF binds them at import)."""

    def get_rate(self) -> str | None:
        rates: dict[str, str] = getattr(settings, "REST_FRAMEWORK", {}).get("DEFAULT_THROTTLE_RATES", {})
        return rates.get(str(self.scope), DEFAULT_RATES.get(str(self.scope)))


class UserRateThrottle(_SettingsRateThrottle):
    """Per signed-in user (any authentication); per client address when anonymous."""

    scope = "api_user"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            ident = f"u{user.pk}"
        else:
            ident = f"ip{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class TokenRateThrottle(_SettingsRateThrottle):
    """Per API token: only requests authenticated by a token count here."""

    scope = "api_token"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        auth = getattr(request, "auth", None)
        if auth is None:
            return None
        # DRF's Token (key), knox's AuthToken (digest / token_key) or any object with a pk.
        raw = next(
            (str(v) for v in (getattr(auth, a, None) for a in ("digest", "key", "token_key", "pk")) if v),
            repr(auth),
        )
        ident = hashlib.sha256(f"{type(auth).__name__}:{raw}".encode()).hexdigest()[:32]
        return self.cache_format % {"scope": self.scope, "ident": ident}
