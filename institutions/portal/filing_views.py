"""在线备案 pages of the institution (mounted at /institution/filing/)."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from institutions.models import Institution, InstitutionStatus
from supervision.core import policy
from supervision.core.institution_menu import institution_context, require_institution_account
from supervision.core.scoping import get_visible_or_404
from supervision.core.signals import record

from .filing_models import FilingApplication, FirstResident
from .forms import FilingApplicationForm, FirstResidentForm
from .services import filing as service


def _own(request: HttpRequest) -> Institution:
    pk = require_institution_account(request)
    return get_visible_or_404(Institution.objects.select_related("region"), request.user, pk=pk)


def _initial(inst: Institution) -> dict[str, object]:
    return {
        "name": inst.name,
        "address": inst.address,
        "legal_representative": inst.legal_representative,
        "principal": inst.principal,
        "premises_ownership": inst.premises_ownership,
        "beds": inst.beds or None,
        "floor_area": inst.floor_area,
        "contact_phone": inst.contact_phone,
    }


@login_required
def filing(request: HttpRequest) -> HttpResponse:
    """在线备案: the form (until filed), the applications sent, the first-resident date."""
    inst = _own(request)
    may_file = policy.can(request.user, inst, "file") and inst.status != InstitutionStatus.FILED
    form = FilingApplicationForm(request.POST or None, request.FILES or None, initial=_initial(inst))
    if request.method == "POST":
        policy.require(request.user, inst, "file")
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "certificate_file"}
            try:
                app = service.filing_apply(
                    inst,
                    actor=request.user,
                    certificate_file=form.cleaned_data.get("certificate_file"),
                    **data,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect("institution_portal:filing_detail", pk=app.pk)
    applications = list(FilingApplication.objects.visible_to(request.user).filter(institution=inst))
    first = FirstResident.objects.visible_to(request.user).filter(institution=inst).first()
    return render(
        request,
        "institutions/portal/filing.html",
        {
            **institution_context(request),
            "institution": inst,
            "form": form,
            "may_file": may_file,
            "applications": applications,
            "first_resident": first,
            "first_form": FirstResidentForm(),
            "clocks": _clocks(inst),
        },
    )


def _clocks(inst: Institution) -> list[object]:
    from supervision.deadlines.services import open_deadlines_for

    return list(
        open_deadlines_for(inst).filter(rule__code=service.RULE_FIRST_RESIDENT).select_related("rule")
    )


@login_required
def filing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The outcome of one application: the receipt, or what is missing."""
    require_institution_account(request)
    app = get_visible_or_404(
        FilingApplication.objects.select_related("institution", "bureau_region"), request.user, pk=pk
    )
    return render(
        request,
        "institutions/portal/filing_detail.html",
        {**institution_context(request), "app": app, "institution": app.institution},
    )


@login_required
def filing_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """备案回执 (PDF): the institution's own, or any staff member's who sees the institution."""
    app = get_visible_or_404(FilingApplication.objects.all(), request.user, pk=pk)
    if app.receipt_document_id is None:
        raise Http404("该申请没有备案回执")
    from supervision.documents.models import OfficialDocument

    doc = OfficialDocument.objects.get(pk=app.receipt_document_id)
    record("export", request, request.user, detail=f"document {doc.pk} {doc.number}")
    response = HttpResponse(bytes(doc.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(doc.number or doc.title)}.pdf"
    response["X-Content-SHA256"] = doc.sha256
    return response


@login_required
@require_POST
def first_resident(request: HttpRequest) -> HttpResponse:
    """登记收住首位老年人日期: starts the 10-working-day filing clock (art. 10)."""
    inst = _own(request)
    policy.require(request.user, inst, "file")
    form = FirstResidentForm(request.POST)
    if form.is_valid():
        try:
            service.first_resident_record(
                inst, actor=request.user, taken_in_on=form.cleaned_data["taken_in_on"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "已登记收住首位老年人日期。请在 10 个工作日内完成备案。")
    else:
        messages.error(request, "请填写收住首位老年人的日期。")
    return redirect("institution_portal:filing")
