"""Shared API building blocks: every domain viewset restricts its queryset with ``visible_to``
and honours an ``Idempotency-Key`` on its POSTs (supervision/core/idempotency.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from supervision.core import idempotency


class _Replay(Exception):
    def __init__(self, response: Response) -> None:
        super().__init__("idempotent replay")
        self.response = response


class IdempotentPostMixin:
    """A POST with ``Idempotency-Key`` runs once per user and key; a retry gets the first answer.

    The key is claimed after authentication, permission and throttle checks (DRF's
    ``initial``), so an anonymous or refused request never takes a key."""

    request: Any
    _idempotency: idempotency.IdempotencyRecord | None = None

    def initial(self, request: Any, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        self._idempotency = None
        key = request.headers.get(idempotency.HEADER)
        if request.method != "POST" or key is None or not request.user.is_authenticated:
            return
        if not idempotency.valid_key(key):
            raise ValidationError({idempotency.HEADER: [str(idempotency.KEY_INVALID)]})
        try:
            held = idempotency.claim(request.user, key, idempotency.request_fingerprint(request))
        except idempotency.Refused as refused:
            raise _Replay(Response({"detail": refused.detail}, status=refused.status)) from None
        if held.replay is not None:
            raise _Replay(held.replay)
        self._idempotency = held.record

    def handle_exception(self, exc: Exception) -> Any:
        if isinstance(exc, _Replay):
            return exc.response
        try:
            return super().handle_exception(exc)  # type: ignore[misc]
        except Exception:
            if self._idempotency is not None:
                idempotency.release(self._idempotency)
                self._idempotency = None
            raise

    def finalize_response(self, request: Any, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        if self._idempotency is not None:
            idempotency.complete(self._idempotency, response)
            self._idempotency = None
        return response


class ScopedViewSetMixin(IdempotentPostMixin):
    """Apply the row-level scope before filters, so out-of-scope rows answer 404."""

    request: Any

    def get_queryset(self) -> QuerySet:
        return super().get_queryset().visible_to(self.request.user)  # type: ignore[misc]


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ScopedModelViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    pass
