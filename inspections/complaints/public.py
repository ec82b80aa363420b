"""Public complaint pages (no login): the intake form, rate-limited per client (the
``complaint`` rate, 10/hour, counts submissions only) with a honeypot instead of a CAPTCHA,
and the lookup by tracking code, which shows status and reply only: no content, no
complainant, no staff names."""

from __future__ import annotations

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
        chosen = Institution.objects.filter(credit_code=code, status__in=PUBLIC_STATUSES).first()
        if chosen is not None:
            initial = {"credit_code": chosen.credit_code, "institution_name": chosen.name}
    form = ComplaintIntakeForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            c = services.complaint_submit_public(**form.intake())
            return redirect(f"/public/complaints/track/{c.tracking_code}/?new=1")
        return render(request, "public/complaint_form.html", {"form": form, "chosen": chosen}, status=400)
    return render(request, "public/complaint_form.html", {"form": form, "chosen": chosen})


@throttle("public")
def track(request: HttpRequest) -> HttpResponse:
    code = services.normalise_code(request.GET.get("code", ""))
    if code:
        return redirect("public_complaints:status", code=code)
    return render(request, "public/complaint_track.html", {})


@throttle("public")
def status(request: HttpRequest, code: str) -> HttpResponse:
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
    }
    return render(request, "public/complaint_status.html", ctx)
