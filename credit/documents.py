"""The decision document (列入/不予列入/行业禁入决定书), rendered through the ground floor's
document service (A4, CJK font stack, refusal on missing glyphs) and numbered by its gapless
counter."""

from __future__ import annotations

from typing import Any

from supervision.core.models import Department, Region


def allocate_decision_number(department: Department, region: Region, year: int) -> str:
    """The next number of the issuing body (``department`` at ``region``) for ``year``."""
    from supervision.documents.services import document_allocate_number

    return document_allocate_number(
        kind="credit_decision",
        kind_short="信惩决",
        department=department,
        region=region,
        year=year,
    )


def render_decision_pdf(proposal: Any, issuer: tuple[Department, Region], listed: bool) -> bytes:
    from supervision.documents.services import render_pdf

    from .services import GROUNDS, JOINT_MEASURES, WATCH_MEASURES

    p = proposal
    measures: dict[str, str] = {}
    if p.list_type == "joint_punishment":
        measures = JOINT_MEASURES
    elif p.list_type == "watch":
        measures = WATCH_MEASURES
    return render_pdf(
        "documents/credit_decision.html",
        {
            "p": p,
            "listed": listed,
            "title": p.get_list_type_display() + ("列入决定书" if listed else "不予列入决定书"),
            "ground": GROUNDS[p.ground].label,
            "evidence": list(p.evidence.all()),
            "measures": list(measures.values()),
            "issuer": f"{issuer[1].name}{issuer[0].name}",
        },
    )
