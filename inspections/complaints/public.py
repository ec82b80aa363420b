"""Public complaint pages (no login): the intake form, rate-limited per client (the
``complaint`` rate, 10/hour, counts submissions only) with a honeypot instead of a CAPTCHA,
and the lookup by tracking code, which shows status and reply only: no content, no
complainant, no staff names."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from institutions.models import Institution
from supervision.publicity.masking import scrub
from supervision.publicity.web import throttle

from . import services
from .forms import PUBLIC_STATUSES, ComplaintIntakeForm
from .models import Complaint, State


@throttle("public")
@throttle("complaint", methods=("POST",))
@require_http_methods(["GET", "POST"])
def complaint_form(request: HttpRequest) -> HttpResponse:
    initial = {}
    chosen = None
    code = request.GET.get("institution", "").strip().upper()
    if code:
        chosen = (
            Institution.objects.filter(credit_code=code, status__in=PUBLIC_STATUSES)
            .select_related("region__parent__parent__parent")
            .first()
        )
        if chosen is not None:
            # opened from the institution's public page: its place and address come with it
            initial = {
                "credit_code": chosen.credit_code,
                "institution_name": chosen.name,
                "institution_address": chosen.address,
                "region": chosen.region.code,
            }
    form = ComplaintIntakeForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST":
        chosen = chosen or _posted_institution(request)
        if form.is_valid():
            try:
                c = services.complaint_submit_public(**form.intake())
            except ValidationError as exc:  # a photo the file store refused
                _add_errors(form, exc)
            else:
                return redirect(f"/public/complaints/track/{c.tracking_code}/?new=1")
        return render(request, "public/complaint_form.html", _context(form, chosen), status=400)
    return render(request, "public/complaint_form.html", _context(form, chosen))


def _posted_institution(request: HttpRequest) -> Institution | None:
    code = request.POST.get("credit_code", "").strip().upper()
    if not code:
        return None
    return (
        Institution.objects.filter(credit_code=code, status__in=PUBLIC_STATUSES)
        .select_related("region")
        .first()
    )


def _add_errors(form: ComplaintIntakeForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _context(form: ComplaintIntakeForm, chosen: Institution | None) -> dict[str, Any]:
    place = chosen.region.full_name() if chosen is not None else ""
    return {"form": form, "chosen": chosen, "place": place, "max_photos": services.MAX_PHOTOS}


@throttle("public")
def track(request: HttpRequest) -> HttpResponse:
    code = services.normalise_code(request.GET.get("code", ""))
    if code:
        return redirect("public_complaints:status", code=code)
    return render(request, "public/complaint_track.html", {})


@throttle("public")
def status(request: HttpRequest, code: str) -> HttpResponse:
    return _status_page(request, code, "public/complaint_status.html")


@throttle("public")
def receipt(request: HttpRequest, code: str) -> HttpResponse:
    """The receipt to print: tracking code, date, state and due date (no content, no complainant)."""
    return _status_page(request, code, "public/complaint_receipt.html")


def _status_page(request: HttpRequest, code: str, template: str) -> HttpResponse:
    c = (
        Complaint.objects.select_related(
            "handling_department", "handling_region", "institution", "merged_into"
        )
        .filter(tracking_code=services.normalise_code(code))
        .first()
    )
    if c is None:
        return render(request, "public/complaint_track.html", {"not_found": True, "code": code}, status=404)
    answer = c
    if c.state == State.MERGED and c.merged_into is not None:
        answer = c.merged_into
    ctx = {
        "c": c,
        "answer": answer,
        "state_label": answer.get_state_display() if c.state == State.MERGED else c.get_state_display(),
        "reply": scrub(answer.reply) if answer.state in (State.REPLIED, State.CLOSED) else "",
        "institution": c.institution.name if c.institution else scrub(c.institution_name),
        "new": request.GET.get("new") == "1",
        "track_url": request.build_absolute_uri(f"/public/complaints/track/{c.tracking_code}/"),
    }
    return render(request, template, ctx)
