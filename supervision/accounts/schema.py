"""The API token in the OpenAPI schema: ``Authorization: Token <key>`` (scheme ``tokenAuth``,
the name DRF's own token scheme had, so the schema's security section is unchanged)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object


class PortalTokenScheme(OpenApiAuthenticationExtension):
    target_class = "supervision.accounts.tokens.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> Any:
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Token")  # nosec B106 # the header's prefix
