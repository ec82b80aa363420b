"""The change feed of the registry for publicity's /public/api/changes/."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from supervision.publicity.registry import (
    Column,
    PublicDataset,
    register_public_dataset,
    register_public_feed,
)

from ..models import (
    Institution,
)
from ..querysets import with_current_grade
from .common import PUBLIC_LIST_STATUSES
from .directory import DIRECTORY_COLUMNS, directory_base_queryset, directory_row

# --- the change feed (for publicity's /public/api/changes/) --------------------------------


def directory_changes(since: Any) -> Iterator[dict[str, Any]]:
    """Changes of the public directory after ``since`` (aware datetime), derived from
    ``Institution.updated_at``, in ``(changed_at, key)`` order: ``upsert`` with the public row
    for listed institutions, ``delete`` (withdrawn from the directory) for those that changed
    into a status the directory does not list. Limitation: hard deletions leave no trace, and
    changes that do not touch the institution row (a new grade rating, a grade expiring) are
    not in the feed."""
    qs = (
        with_current_grade(Institution.objects.filter(updated_at__gt=since, credit_code__isnull=False))
        .select_related("region__parent")
        .order_by("updated_at", "credit_code")
    )
    for inst in qs.iterator(chunk_size=1000):
        listed = inst.status in PUBLIC_LIST_STATUSES
        yield {
            "dataset": "institutions",
            "key": inst.credit_code,
            "action": "upsert" if listed else "delete",
            "changed_at": inst.updated_at.isoformat(),
            "payload": directory_row(inst) if listed else None,
        }


def _register_with_publicity() -> None:
    """The change feed and the dataset in publicity's registries (idempotent per key)."""
    register_public_feed("institutions", directory_changes)
    register_public_dataset(
        PublicDataset(
            key="institutions",
            title="养老服务机构名录",
            description="名录页面所列机构（已备案、登记未备案、暂停）的公开字段。"
            "按条件筛选的下载见 /public/institutions/export.csv|json，参数与名录页面相同。",
            columns=tuple(
                Column(
                    key,
                    "integer" if kind.startswith("integer") else kind,
                    meaning,
                    nullable=kind.endswith("null"),
                )
                for key, meaning, kind in DIRECTORY_COLUMNS
            ),
            rows=lambda: (
                directory_row(i) for i in directory_base_queryset().order_by("name", "pk").iterator()
            ),
            page_url_name="public:directory",
        )
    )
