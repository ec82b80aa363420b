"""The API's one error shape, through one DRF exception handler.

Services raise Django's ``ValidationError`` (a refused input or state step) and
``policy.Denied`` (a refused actor); viewsets let them propagate and this handler answers:

* 400 ``{"field": ["…"], "non_field_errors": ["…"]}`` for a validation error (DRF's own shape),
* 403 ``{"detail": "…"}`` with the policy's Chinese reason,
* 404 ``{"detail": "未找到或无权查看"}`` for a missing or out-of-scope object (never 403),
* DRF's own answers (401, 405, 429 …) unchanged.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

NOT_FOUND = "未找到或无权查看"


def as_drf(exc: DjangoValidationError) -> exceptions.ValidationError:
    """A Django validation error in the API's shape (field → messages, else non_field_errors)."""
    if hasattr(exc, "error_dict"):
        return exceptions.ValidationError(
            {("non_field_errors" if k == "__all__" else k): v for k, v in exc.message_dict.items()}
        )
    return exceptions.ValidationError({"non_field_errors": exc.messages})


def exception_handler(exc: Exception, context: dict[str, Any]) -> Any:
    if isinstance(exc, DjangoValidationError):
        exc = as_drf(exc)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(NOT_FOUND)
    return drf_exception_handler(exc, context)
