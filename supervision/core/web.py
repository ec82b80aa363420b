"""Shared staff-page building blocks: scoped list pages with filters, sorting, pagination
and Excel export, and scoped detail pages. Every app's HTML views derive from these so that
scoping, export auditing and paging behave the same everywhere. Bad query input (a malformed
page number, a filter value outside the bounds of ``filters.harden``) answers 400 with the
Chinese reasons, never a 500; exported cells go through ``exports.safe_cell`` (no formulas)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import QuerySet
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.views.generic import DetailView
from django_filters.views import FilterView

from .filters import error_messages, harden
from .middleware import bad_query_response
from .models import SecurityEvent
from .pagination import PAGE_MESSAGE, is_page_number
from .signals import record

Column = tuple[str, str | Callable[[Any], Any]]


def resolve(obj: Any, accessor: str | Callable[[Any], Any]) -> Any:
    """Follow ``a.b.c`` (calling ``get_x_display`` style callables) or call a function."""
    if callable(accessor):
        return accessor(obj)
    value = obj
    for part in accessor.split("."):
        if value is None:
            return ""
        value = getattr(value, part)
        if callable(value):
            value = value()
    return "" if value is None else value


def xlsx_response(filename: str, headers: list[str], rows: Iterable[list[Any]]) -> HttpResponse:
    """Stream rows into a write-only workbook (flat memory) and return it as a download.

    Every cell goes through ``exports.safe_cell`` (a text that would start a formula gets a
    leading ``'``) and every text cell is stored as a string (``data_type "s"``), never as a
    formula; characters XML cannot carry (control characters) are dropped, not a 500."""
    from io import BytesIO
    from urllib.parse import quote

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    from .exports import safe_cell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet()

    def cell(value: Any) -> Any:
        value = safe_cell(value)
        if value is None:
            return None
        if isinstance(value, (int, float)):  # bool is an int: stays a boolean cell
            return value
        text = WriteOnlyCell(ws, value=ILLEGAL_CHARACTERS_RE.sub("", str(value)))
        text.data_type = "s"
        return text

    ws.append([cell(h) for h in headers])
    for row in rows:
        ws.append([cell(v) for v in row])
    buf = BytesIO()
    wb.save(buf)
    response = HttpResponse(
        buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


class ScopedQuerysetMixin(LoginRequiredMixin):
    """Restrict ``get_queryset`` to what the user may see."""

    model: Any
    request: Any

    def base_queryset(self) -> QuerySet:
        return self.model.objects.all()

    def get_queryset(self) -> QuerySet:
        return self.base_queryset().visible_to(self.request.user)  # type: ignore[attr-defined]


class ScopedListView(ScopedQuerysetMixin, FilterView):
    """A staff list: one FilterSet (shared with the API), ``?o=field`` / ``?o=-field`` sorting
    restricted to ``sortable``, pagination, and ``?export=xlsx`` exporting the filtered rows."""

    paginate_by = 25
    sortable: tuple[str, ...] = ()
    default_ordering: tuple[str, ...] = ("-pk",)
    export_columns: list[Column] = []
    export_name = "export"
    # An invalid FilterSet shows no rows (and answers 400): never "everything" by mistake.
    strict = True

    def get_ordering(self) -> tuple[str, ...]:
        o = self.request.GET.get("o", "")
        if o.lstrip("-") in self.sortable:
            return (o, "pk")
        return self.default_ordering

    def get_queryset(self) -> QuerySet:
        return super().get_queryset().order_by(*self.get_ordering())

    def get_filterset(self, filterset_class: Any) -> Any:
        return harden(super().get_filterset(filterset_class))

    def bad_query(self, request: Any) -> list[str] | None:
        """The Chinese error of a malformed page number (``?page=abc``), else None; an invalid
        FilterSet is judged in ``get`` (the page is shown again, without rows, with a 400)."""
        page = request.GET.get(self.page_kwarg)
        if page and page != "last" and not is_page_number(page):
            return [str(PAGE_MESSAGE)]
        return None

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponseBase:
        # after the login check, before any view (also those that override ``get``) reads it
        if request.method == "GET" and request.user.is_authenticated:
            errors = self.bad_query(request)
            if errors:
                return bad_query_response(request, errors)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.GET.get("export") == "xlsx" and self.export_columns:
            return self.export(request)
        response = super().get(request, *args, **kwargs)
        filterset = getattr(self, "filterset", None)
        if filterset is not None and filterset.is_bound and not filterset.is_valid():
            # the list page again, without rows, with the reasons above it
            for message in error_messages(filterset):
                messages.error(request, message)
            response.status_code = 400
        return response

    def export(self, request: Any) -> HttpResponse:
        filterset = self.get_filterset(self.get_filterset_class())
        if filterset is not None and filterset.is_bound and not filterset.is_valid():
            return bad_query_response(request, error_messages(filterset))
        qs = filterset.qs if filterset is not None else self.get_queryset()
        headers = [h for h, _ in self.export_columns]
        rows = ([resolve(obj, acc) for _, acc in self.export_columns] for obj in qs.iterator(chunk_size=2000))
        stamp = timezone.localtime().strftime("%Y%m%d%H%M")
        record(
            SecurityEvent.Kind.EXPORT,
            request,
            request.user,
            detail=f"{self.export_name} {request.GET.urlencode()}",
        )
        return xlsx_response(f"{self.export_name}-{stamp}.xlsx", headers, rows)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        params = self.request.GET.copy()
        params.pop("page", None)
        ctx["querystring"] = params.urlencode()
        params.pop("o", None)
        ctx["sort_querystring"] = params.urlencode()
        ctx["current_ordering"] = self.request.GET.get("o", "")
        return ctx


class ScopedDetailView(ScopedQuerysetMixin, DetailView):
    """A staff detail page; an out-of-scope object is a plain 404."""


WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class PolicyRequiredMixin:
    """Ask the write policy before a write request's input is read.

    ``policy_action`` names the action; ``policy_target()`` returns the object acted on (the
    scoped ``get_object()`` by default, so an object out of scope stays 404), or a model class
    for a create, which is judged by ``policy.can_ever`` until the service sees the row. A
    refusal is ``policy.Denied``: 403 with the Chinese reason (templates/403.html). The service
    asks the same policy again inside its transaction."""

    policy_action: str = ""
    request: Any

    def policy_target(self) -> Any:
        return self.get_object()  # type: ignore[attr-defined]

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        if request.method in WRITE_METHODS and request.user.is_authenticated and self.policy_action:
            from . import policy

            target = self.policy_target()
            if isinstance(target, type):
                policy.require_ever(request.user, target, self.policy_action)
            else:
                policy.require(request.user, target, self.policy_action)
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
