"""Evidence photos of an inspection, kept in the private file store (``supervision.files``):
checked by content, re-encoded without EXIF/GPS, served only through the authorised view."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File

from supervision.core import policy
from supervision.files import store as files

from ..models import Evidence, Inspection, ItemResult
from .common import _create


def evidence_add(
    inspection: Inspection,
    data: bytes | File,
    *,
    actor: Any,
    caption: str = "",
    item_result: ItemResult | None = None,
) -> Evidence:
    """Keep an evidence photo in the private file store (an image by its content, re-encoded
    without EXIF/GPS, within the image size limit); it is served only by the authorised view.
    Uploaded by the posts that act on the inspection (``Inspection.write_rules["evidence"]``)."""
    policy.require(actor, inspection, "evidence")
    if item_result is not None and item_result.inspection_id != inspection.pk:
        raise ValidationError("检查事项不属于本次检查。")
    with files.receive(data, accept=files.IMAGES, area="inspections", actor=actor) as stored:
        if stored is None:
            raise ValidationError("请选择要上传的照片。")
        evidence = Evidence(
            inspection=inspection,
            item_result=item_result,
            path=stored.name,
            caption=caption[:200],
            width=stored.width,
            height=stored.height,
            size=stored.size,
            sha256=stored.sha256,
            uploaded_by=actor if getattr(actor, "pk", None) else None,
        )
        return _create(evidence, actor, "upload")


def evidence_path(evidence: Evidence) -> Path:
    return files.path(evidence.path)
