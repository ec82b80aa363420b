"""Authorised download of official documents: the user must be able to see the subject."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from supervision.core import policy
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


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@login_required
def word_draft(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    """The editable Word draft of a document not yet issued (out of scope → 404; a user who may
    not issue it, or a document already issued → 403 with the reason)."""
    from .drafts import draft_docx, source

    item = source(key)
    if item is None:
        raise Http404("未找到或无权查看")
    obj = get_object_or_404(item.model.objects.visible_to(request.user), pk=pk)  # type: ignore[attr-defined]
    policy.require(request.user, obj, item.action)
    if not item.is_draft(obj):
        raise policy.Denied("文书已正式制发，请下载正式 PDF；Word 草稿仅供制发前修改措辞。")
    data, filename = draft_docx(obj)
    record("export", request, request.user, detail=f"word draft {key} {obj.pk}")
    response = HttpResponse(data, content_type=DOCX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
