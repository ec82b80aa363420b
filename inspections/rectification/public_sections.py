"""What rectification contributes to the public institution page: published rectification
outcomes (003 11.: notice number, closed date) and administrative penalties (decision number,
type, date; the legal representative masked). Revoked penalties are not public."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from .public import penalty_rows, published_notices, published_penalties, result_rows


def rectification_outcomes(institution: Any) -> dict[str, Any]:
    rows = result_rows(published_notices().filter(institution=institution)[:20])
    return {
        "title": _("整改结果"),
        "template": "public/section_rectification.html",
        "context": {"rows": rows},
    }


def penalties(institution: Any) -> dict[str, Any]:
    rows = penalty_rows(published_penalties().filter(institution=institution)[:20])
    return {"title": _("行政处罚"), "template": "public/section_penalties.html", "context": {"rows": rows}}
