"""The API's own sign-out and token list: a user sees and revokes only their own tokens."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .tokens import tokens_of


class TokenInfo(serializers.Serializer):
    token_key = serializers.CharField(help_text="令牌的前 15 个字符（用于辨认，不能用于认证）")
    created = serializers.DateTimeField()
    expiry = serializers.DateTimeField(allow_null=True)
    current = serializers.BooleanField(help_text="是否为本次请求所用的令牌")


def _info(token: Any, request: Request) -> dict[str, Any]:
    current = getattr(request.auth, "digest", None) == token.digest
    return {
        "token_key": token.token_key,
        "created": token.created,
        "expiry": token.expiry,
        "current": current,
    }


class TokenListView(APIView):
    """``GET /api/v1/auth/tokens/``: the caller's valid tokens (never their keys)."""

    @extend_schema(operation_id="auth_tokens_list", tags=["auth"], responses={200: TokenInfo(many=True)})
    def get(self, request: Request) -> Response:
        return Response([_info(t, request) for t in tokens_of(request.user)])


class TokenRevokeView(APIView):
    """``DELETE /api/v1/auth/tokens/<token_key>/``: revoke one of the caller's own tokens."""

    @extend_schema(operation_id="auth_tokens_destroy", tags=["auth"], responses={204: None})
    def delete(self, request: Request, token_key: str) -> Response:
        token = get_object_or_404(tokens_of(request.user), token_key=token_key)
        token.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutView(APIView):
    """``POST /api/v1/auth/logout/``: revoke the token this request carries."""

    @extend_schema(operation_id="auth_logout", tags=["auth"], request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        if request.auth is not None and hasattr(request.auth, "digest"):
            request.auth.delete()
        from supervision.core.models import SecurityEvent
        from supervision.core.signals import record

        record(SecurityEvent.Kind.LOGOUT, request, request.user, detail="API 令牌")
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutAllView(APIView):
    """``POST /api/v1/auth/logout-all/``: revoke every token of the caller."""

    @extend_schema(operation_id="auth_logout_all", tags=["auth"], request=None, responses={204: None})
    def post(self, request: Request) -> Response:
        from supervision.core.models import SecurityEvent
        from supervision.core.signals import record

        from .signals import revoke_tokens

        revoke_tokens(request.user)
        record(SecurityEvent.Kind.LOGOUT, request, request.user, detail="API 令牌（全部）")
        return Response(status=status.HTTP_204_NO_CONTENT)
