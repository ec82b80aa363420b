"""The public page's section of the service-quality data the institution disclosed (004 (五))."""

from __future__ import annotations

from typing import Any


def quality_section(inst: Any) -> dict[str, Any] | None:
    from .disclosure_models import QUALITY_ITEMS, QualityDisclosure

    row = QualityDisclosure.objects.filter(institution=inst).first()
    if row is None or not any(row.data.get(k) for k, _label in QUALITY_ITEMS):
        return None
    items = [(label, row.data.get(key)) for key, label in QUALITY_ITEMS if row.data.get(key)]
    return {
        "title": "服务质量信息",
        "template": "institutions/portal/public_quality.html",
        "context": {"items": items, "updated_on": row.updated_on},
    }


def register() -> None:
    from institutions.public import register_public_detail_section

    register_public_detail_section(quality_section)
