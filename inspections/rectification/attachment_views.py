"""Staff download of a report's further evidence files (those the institution uploads online)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest
from django.views.decorators.http import require_GET

from supervision.core.scoping import get_visible_or_404
from supervision.files import store as files

from .institution_models import ResponseAttachment


@login_required
@require_GET
def response_attachment(request: HttpRequest, pk: int) -> FileResponse:
    """One further evidence file, for whoever sees its notice item (404 otherwise)."""
    row = get_visible_or_404(ResponseAttachment.objects.all(), request.user, pk=pk)
    return files.download(row.path, filename=row.name)
