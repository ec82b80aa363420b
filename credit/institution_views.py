"""The institution's pages of credit (机构端, issue 17): its record (``/institution/record/``:
grade, the records behind it, its listings and restrictions with their terms) and its listing
procedures (``/institution/objections/``): the notice of an intended listing, its statement
(陈述申辩) filed online within the window with its materials, the decision, and its application
for early removal (信用修复).

Reads through ``visible_to`` (its own institution only: anything else is a 404); writes through
the procedure's own services with the institution as actor (the write policy's party relation).
A draft proposal is the department's internal work and is never shown."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from institutions.models import InstitutionRestriction
from supervision.core import policy
from supervision.core.institution_menu import institution_context, require_institution_account
from supervision.core.pagination import PAGE_MESSAGE, is_page_number
from supervision.core.scoping import get_visible_or_404
from supervision.documents.services import documents_for
from supervision.files import store as files

from . import services
from .institution_forms import ObjectionForm, RemovalForm, uploads_of
from .models import (
    CreditGrade,
    CreditRecord,
    ListingProposal,
    ListingProposalQuerySet,
    ProposalAttachment,
    ProposalState,
)

P = ProposalState
# Listings with a term: decided, in force or ended.
LISTED_STATES = (P.LISTED, P.PUBLISHED, P.REMOVAL_APPLIED, P.REMOVED)


def paged(request: HttpRequest, rows: Any, per_page: int = 25) -> dict[str, Any]:
    """What ``partials/pagination.html`` reads, for a page of ``rows``; a malformed page number
    is a 400 (as on the staff lists), never silently the first page."""
    number = request.GET.get("page")
    if number and number != "last" and not is_page_number(number):
        raise BadRequest(str(PAGE_MESSAGE))
    page = Paginator(rows, per_page).get_page(number)
    return {"page_obj": page, "paginator": page.paginator, "is_paginated": page.has_other_pages()}


def render_page(request: HttpRequest, template: str, **ctx: Any) -> HttpResponse:
    """An institution page: the institution menu and the page's own context."""
    return render(request, template, {**institution_context(request), **ctx})


def _proposals(request: HttpRequest) -> ListingProposalQuerySet:
    require_institution_account(request)
    rows = (
        ListingProposal.objects.visible_to(request.user)
        .exclude(state=P.DRAFT)
        .defer("decision_pdf")
        .select_related("department", "institution")
    )
    return cast(ListingProposalQuerySet, rows)


# --- its record ----------------------------------------------------------------------------


@login_required
def record_home(request: HttpRequest) -> HttpResponse:
    """信用记录: the grade with every input behind it, and the records (in force or not)."""
    require_institution_account(request)
    records = (
        CreditRecord.objects.visible_to(request.user)
        .filter(withdrawn_at__isnull=True)
        .select_related("department")
        .order_by("-effective_on", "-pk")
    )
    today = services.today()
    pages = paged(request, records)
    for r in pages["page_obj"]:
        r.shown_in_force = r.is_in_force(today)  # type: ignore[attr-defined]
    return render_page(
        request,
        "credit/institution/record.html",
        grade=CreditGrade.objects.visible_to(request.user).first(),
        **pages,
    )


@login_required
def record_listings(request: HttpRequest) -> HttpResponse:
    """名单与限制措施: its listings with their terms, and the restrictions recorded on it."""
    listings = _proposals(request).filter(state__in=LISTED_STATES).order_by("-term_starts", "-pk")
    restrictions = InstitutionRestriction.objects.visible_to(request.user).order_by("-starts_on", "-pk")
    return render_page(
        request,
        "credit/institution/listings.html",
        listings=listings,
        restrictions=restrictions,
        today=services.today(),
    )


# --- its procedures: statement, decision, early removal --------------------------------------


@login_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    """陈述申辩: every procedure it has been notified of, with the window's last day."""
    rows = _proposals(request).with_objection_due().order_by("-notified_on", "-pk")
    return render_page(request, "credit/institution/proposal_list.html", **paged(request, rows))


def _detail(
    request: HttpRequest, p: ListingProposal, objection_form: Any = None, removal_form: Any = None
) -> HttpResponse:
    today = services.today()
    clock = p.objection_clock
    return render_page(
        request,
        "credit/institution/proposal_detail.html",
        p=p,
        clock=clock,
        window_open=p.state == P.NOTIFIED and not p.objection_closed(today),
        workdays_left=clock.workdays_left()
        if p.state == P.NOTIFIED and clock is not None and clock.is_live
        else None,
        may_apply_removal=p.state == P.PUBLISHED and not p.permanent,
        attachments=list(ProposalAttachment.objects.visible_to(request.user).filter(proposal=p)),
        documents=list(documents_for(p)),
        objection_form=objection_form or ObjectionForm(),
        removal_form=removal_form or RemovalForm(),
        policy=services.policy_for(p.region),
    )


@login_required
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, get_visible_or_404(_proposals(request), request.user, pk=pk))


def _refused(form: Any, exc: ValidationError, field: str) -> None:
    if hasattr(exc, "error_dict"):
        for name, errs in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errs)
    else:
        form.add_error(None, "；".join(exc.messages))


@login_required
@require_POST
def proposal_object(request: HttpRequest, pk: int) -> HttpResponse:
    """提出陈述申辩 online, with its materials; after the window, refused with its last day."""
    p = get_visible_or_404(_proposals(request), request.user, pk=pk)
    policy.require(request.user, p, "object")  # before the input is read
    form = ObjectionForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.proposal_object(
                p,
                actor=request.user,
                text=form.cleaned_data["text"],
                attachments=uploads_of(form.cleaned_data["materials"]),
            )
        except ValidationError as exc:
            _refused(form, exc, "text")
        else:
            messages.success(request, "已提交陈述申辩，主管部门将在审核时予以考虑。")
            return redirect("institution_credit:proposal_detail", pk=pk)
    response = _detail(request, p, objection_form=form)
    response.status_code = 400
    return response


@login_required
@require_POST
def proposal_apply_removal(request: HttpRequest, pk: int) -> HttpResponse:
    """申请提前移出 (信用修复), where the rules allow it: the service says why not otherwise."""
    p = get_visible_or_404(_proposals(request), request.user, pk=pk)
    policy.require(request.user, p, "apply_removal")  # before the input is read
    form = RemovalForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.proposal_apply_removal(
                p,
                actor=request.user,
                proof=form.cleaned_data["proof"],
                attachments=uploads_of(form.cleaned_data["materials"]),
            )
        except ValidationError as exc:
            _refused(form, exc, "proof")
        else:
            messages.success(request, "已提交提前移出申请，待主管部门负责人审核决定。")
            return redirect("institution_credit:proposal_detail", pk=pk)
    response = _detail(request, p, removal_form=form)
    response.status_code = 400
    return response


@login_required
def proposal_document(request: HttpRequest, pk: int, doc: int) -> HttpResponse:
    """A document issued in its procedure (the notice of an intended listing …)."""
    p = get_visible_or_404(_proposals(request), request.user, pk=pk)
    if not documents_for(p).filter(pk=doc).exists():
        raise Http404("未找到文书")
    from supervision.documents.views import download

    return download(request, doc)


@login_required
def decision_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    p = get_visible_or_404(
        ListingProposal.objects.visible_to(request.user).exclude(state=P.DRAFT), request.user, pk=pk
    )
    require_institution_account(request)
    if not p.decision_pdf:
        raise Http404("尚未作出决定")
    response = HttpResponse(bytes(p.decision_pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="decision-{p.pk}.pdf"'
    response["X-Content-SHA256"] = p.decision_sha256
    return response


@login_required
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    """A file it attached (its own only: 404 otherwise)."""
    require_institution_account(request)
    row = get_visible_or_404(ProposalAttachment.objects.all(), request.user, pk=pk)
    return files.download(row.path, filename=row.name)
