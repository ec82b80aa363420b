"""What inspections contribute to the public institution page: published inspection results
(date, department, conclusion, link to the public result page) inside their publication
period on ``public.today()``. Registered with
``institutions.public.register_public_detail_section`` in ``InspectionsConfig.ready``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from . import public
from .models import Inspection, InspectionStatus

TEMPLATE = "public/section_inspections.html"


def published_results(institution: Any) -> dict[str, Any]:
    rows = (
        Inspection.objects.filter(
            institution=institution,
            status=InspectionStatus.PUBLISHED,
            published_until__gte=public.today(),
        )
        .select_related("department")
        .only(
            "pk",
            "kind",
            "inspected_on",
            "conclusion",
            "public_summary",
            "published_at",
            "published_until",
            "department__name",
        )
        .order_by("-inspected_on", "-pk")[:20]
    )
    return {"title": _("监督检查结果"), "template": TEMPLATE, "context": {"results": list(rows)}}
