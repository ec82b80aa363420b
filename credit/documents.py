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


DECISION_TEMPLATE = "documents/credit_decision.html"


def decision_title(proposal: Any, listed: bool) -> str:
    """列入失信联合惩戒对象名单决定书 / 不予列入…决定书 (the list's name once)."""
    if proposal.list_type == "industry_ban":
        return "行业禁入决定书" if listed else "不予行业禁入决定书"
    name = proposal.get_list_type_display()
    return ("列入" if listed else "不予列入") + name + "决定书"


def decision_context(
    proposal: Any, issuer: tuple[Department, Region], listed: bool, *, preview: bool = False
) -> dict[str, Any]:
    from supervision.documents.services import issuer_context

    from .services import GROUNDS, JOINT_MEASURES, WATCH_MEASURES

    p = proposal
    measures: dict[str, str] = {}
    if p.list_type == "joint_punishment":
        measures = JOINT_MEASURES
    elif p.list_type == "watch":
        measures = WATCH_MEASURES
    title = decision_title(p, listed)
    return {
        "p": p,
        "listed": listed,
        "title": title,
        "number": p.decision_number or "（决定时编号）",
        "on": p.decided_on,
        "preview": preview,
        "ground": GROUNDS[p.ground].label,
        "evidence": list(p.evidence.all()),
        "measures": list(measures.values()),
        **issuer_context(issuer[0], issuer[1], user=getattr(p, "decided_by", None)),
        "receipt": {
            "doc_name": title,
            "number": p.decision_number,
            "addressee": p.institution.name if p.institution_id else p.person_name,
            "place": p.institution.address if p.institution_id else "",
        },
    }


def render_decision_pdf(proposal: Any, issuer: tuple[Department, Region], listed: bool) -> bytes:
    from supervision.documents.services import render_pdf

    return render_pdf(DECISION_TEMPLATE, decision_context(proposal, issuer, listed))


NOTICE_TEMPLATE = "documents/credit_notice.html"
NOTICE_KIND = "credit_notice"
NOTICE_KIND_SHORT = "信惩告"


def notice_title(proposal: Any) -> str:
    """列入失信联合惩戒对象名单告知书 (the 告知 that opens the 陈述申辩 window)."""
    if proposal.list_type == "industry_ban":
        return "行业禁入告知书"
    return "列入" + proposal.get_list_type_display() + "告知书"


def notice_context(
    proposal: Any,
    issuer: tuple[Department, Region],
    *,
    number: str = "",
    on: Any = None,
    days: int | None = None,
    due: Any = None,
    preview: bool = False,
) -> dict[str, Any]:
    from supervision.documents.services import issuer_context

    from .services import GROUNDS

    p = proposal
    title = notice_title(p)
    return {
        "p": p,
        "title": title,
        "number": number or "（告知时编号）",
        "on": on or p.notified_on,
        "days": days or p.objection_workdays,
        "due": due,
        "preview": preview,
        "ground": GROUNDS[p.ground].label,
        "evidence": list(p.evidence.all()),
        **issuer_context(issuer[0], issuer[1], user=getattr(p, "proposed_by", None)),
        "receipt": {
            "doc_name": title,
            "number": number,
            "addressee": p.institution.name if p.institution_id else p.person_name,
            "place": p.institution.address if p.institution_id else "",
        },
    }


def issue_notice(
    proposal: Any, issuer: tuple[Department, Region], *, on: Any, days: int, due: Any, actor: Any
) -> Any:
    """Number, render and store the 告知书 (subject: the proposal); called by ``proposal_notify``
    inside its transaction, so a failed render leaves no gap in the numbering."""
    from supervision.core.policy import as_user
    from supervision.documents.services import document_allocate_number, document_store, render_document

    number = document_allocate_number(
        kind=NOTICE_KIND, kind_short=NOTICE_KIND_SHORT, department=issuer[0], region=issuer[1], year=on.year
    )
    html, pdf = render_document(
        NOTICE_TEMPLATE, notice_context(proposal, issuer, number=number, on=on, days=days, due=due)
    )
    return document_store(
        kind=NOTICE_KIND,
        title=f"{notice_title(proposal)}（{proposal.subject_display()}）"[:200],
        pdf=pdf,
        source_html=html,
        department=issuer[0],
        region=issuer[1],
        number=number,
        subject=proposal,
        created_by=as_user(actor),
    )


def notice_preview_html(proposal: Any) -> str:
    from supervision.core.policy import SYSTEM
    from supervision.documents.services import render_html

    from .services.procedure import _issuer

    return render_html(NOTICE_TEMPLATE, notice_context(proposal, _issuer(SYSTEM, proposal), preview=True))


def decision_preview_html(proposal: Any) -> str:
    """The decision a reviewed proposal would issue (列入), as the deciding leader drafts it."""
    from supervision.core.policy import SYSTEM
    from supervision.documents.services import render_html

    from .services.procedure import _issuer

    return render_html(
        DECISION_TEMPLATE, decision_context(proposal, _issuer(SYSTEM, proposal), True, preview=True)
    )


def _register_word_draft() -> None:
    from supervision.documents.drafts import register_draft

    from .models import ListingProposal, ProposalState

    register_draft(
        "credit_notice",
        ListingProposal,
        build=notice_preview_html,
        action="notify",
        is_draft=lambda p: p.state == ProposalState.DRAFT,
        filename=notice_title,
    )
    register_draft(
        "credit_decision",
        ListingProposal,
        build=decision_preview_html,
        action="decide",
        is_draft=lambda p: p.state == ProposalState.REVIEWED,
        filename=lambda p: decision_title(p, True),
    )


_register_word_draft()
