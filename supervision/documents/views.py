"""Authorised download of official documents: the user must be able to see the subject."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from supervision.core.scoping import ensure_visible
from supervision.core.signals import record

from .models import OfficialDocument


@login_required
def download(request: HttpRequest, pk: int) -> HttpResponse:
    doc = get_object_or_404(OfficialDocument, pk=pk)
    subject = doc.subject
    if subject is None or not hasattr(type(subject).objects, "visible_to"):
        if not request.user.is_superuser:  # type: ignore[union-attr]
            raise Http404("未找到或无权查看")
    else:
        ensure_visible(request.user, subject)
    record("export", request, request.user, detail=f"document {doc.pk} {doc.number}")
    response = HttpResponse(bytes(doc.pdf), content_type="application/pdf")
    filename = f"{doc.number or doc.title}.pdf"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["X-Content-SHA256"] = doc.sha256
    return response
