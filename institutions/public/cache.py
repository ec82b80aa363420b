"""Invalidating the public pages when an institution changes."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from supervision.publicity.web import invalidate_public_pages

from ..models import (
    Filing,
    GradeRating,
    Institution,
)

# --- page cache invalidation (infrastructure) ---------------------------------------------
# Throttle and page cache are publicity's (``supervision.publicity.web.public_page``); this
# module only tells it when institution data changes. Signals are for infrastructure only:
# no business reaction hangs on them.


def _on_change(sender: Any, **kwargs: Any) -> None:
    # Bump now (same process, tests) and again after commit, so that a page rendered from the
    # old rows between the save and the commit cannot stay cached under the new version.
    invalidate_public_pages()
    transaction.on_commit(invalidate_public_pages)


for _model in (Institution, Filing, GradeRating):
    post_save.connect(_on_change, sender=_model, dispatch_uid=f"public-dir-save-{_model.__name__}")
    post_delete.connect(_on_change, sender=_model, dispatch_uid=f"public-dir-delete-{_model.__name__}")
