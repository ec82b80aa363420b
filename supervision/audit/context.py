"""Request context for audit entries: a request id (``X-Request-ID``) and the request itself,
held in context variables so that an entry written deep in a service knows who, from where and
in which request it was written."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponse

_request_id: ContextVar[str] = ContextVar("audit_request_id", default="")
_request: ContextVar[Any] = ContextVar("audit_request", default=None)

# A request id a proxy or a partner sends is kept if it looks like one; anything else is replaced.
_ACCEPTABLE = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")


def current_request_id() -> str:
    """The request id of the request being served ("" outside a request). Also auditlog's
    correlation id getter (``AUDITLOG_CID_GETTER``), so row changes carry the same id."""
    return _request_id.get()


def current_request() -> Any:
    return _request.get()


def new_request_id(incoming: str | None = None) -> str:
    if incoming and _ACCEPTABLE.match(incoming):
        return incoming
    return uuid.uuid4().hex


DOWNLOAD_TYPES = ("application/pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml")


def _is_partner(user: Any) -> bool:
    """A partner department's post (fire rescue, market regulation…): not the lead department."""
    posts = user.active_assignments() if hasattr(user, "active_assignments") else []
    return bool(posts) and any(not a.department.is_lead for a in posts)


class AuditMiddleware:
    """Give every request an id (the incoming ``X-Request-ID`` if well-formed), answer it in the
    ``X-Request-ID`` header and make it and the request available to the audit trail. Two kinds
    of entry are written here because they are properties of the response: a download (a
    response sent as an attachment, or a PDF/Word document, to a signed-in user; a spreadsheet
    export is already recorded by its view) and every API call made by a partner department."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = new_request_id(request.headers.get("X-Request-ID"))
        request.request_id = request_id  # type: ignore[attr-defined]
        id_token = _request_id.set(request_id)
        request_token = _request.set(request)
        try:
            response = self.get_response(request)
            self.record(request, response)
        finally:
            _request_id.reset(id_token)
            _request.reset(request_token)
        response["X-Request-ID"] = request_id
        return response

    def record(self, request: HttpRequest, response: HttpResponse) -> None:
        from supervision.core.models import SecurityEvent
        from supervision.core.signals import record

        user = getattr(request, "user", None)
        if user is None or not getattr(user, "is_authenticated", False):
            return
        if request.path.startswith("/api/") and _is_partner(user):
            record(
                SecurityEvent.Kind.API_CALL,
                request,
                user,
                detail=f"{request.method} {request.get_full_path()[:400]} → {response.status_code}",
            )
            return
        if response.status_code != 200 or getattr(request, "_audit_export_recorded", False):
            return
        disposition = response.get("Content-Disposition", "")
        content_type = response.get("Content-Type", "")
        if disposition or content_type.startswith(DOWNLOAD_TYPES):
            record(
                SecurityEvent.Kind.DOWNLOAD,
                request,
                user,
                detail=f"{request.get_full_path()[:300]} {disposition[:180]}".strip(),
            )
