"""Shared staff-page building blocks: scoped list pages with filters, sorting, pagination
and Excel export, and scoped detail pages. Every app's HTML views derive from these so that
scoping, export auditing and paging behave the same everywhere."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.views.generic import DetailView
from django_filters.views import FilterView

from .models import SecurityEvent
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
    """Stream rows into a write-only workbook (flat memory) and return it as a download."""
    from io import BytesIO
    from urllib.parse import quote

    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(headers)
    for row in rows:
        ws.append([v if isinstance(v, (int, float)) else str(v) for v in row])
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
    strict = False

    def get_ordering(self) -> tuple[str, ...]:
        o = self.request.GET.get("o", "")
        if o.lstrip("-") in self.sortable:
            return (o, "pk")
        return self.default_ordering

    def get_queryset(self) -> QuerySet:
        return super().get_queryset().order_by(*self.get_ordering())

    def get(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.GET.get("export") == "xlsx" and self.export_columns:
            return self.export(request)
        return super().get(request, *args, **kwargs)

    def export(self, request: Any) -> HttpResponse:
        filterset = self.get_filterset(self.get_filterset_class())
        qs = filterset.qs if filterset.is_valid() else self.get_queryset()
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
