"""Shared API building blocks: every domain viewset restricts its queryset with ``visible_to``."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import viewsets


class ScopedViewSetMixin:
    """Apply the row-level scope before filters, so out-of-scope rows answer 404."""

    request: Any

    def get_queryset(self) -> QuerySet:
        return super().get_queryset().visible_to(self.request.user)  # type: ignore[misc]


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ScopedModelViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    pass
