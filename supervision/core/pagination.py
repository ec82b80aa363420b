"""Page numbers: a malformed one (``?page=abc``, ``?page=0``) is bad query input, answered 400
with a Chinese message on the staff lists (``web.ScopedListView``) and the API
(``PortalPagination``, the DRF default), never a 404 or a 500. A page past the last one stays
404. ``?page_size=`` asks for up to ``API_MAX_PAGE_SIZE`` rows (200; larger asks get 200, a
malformed one is 400 like the page). (A module of its own: DRF imports the pagination class
while ``rest_framework.viewsets`` is being imported, so it cannot live in ``api_base``.)"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

PAGE_MESSAGE = _("页码须为正整数。")
PAGE_SIZE_MESSAGE = _("每页条数须为正整数。")


def is_page_number(value: str) -> bool:
    return value.isascii() and value.isdigit() and int(value) >= 1


class PortalPagination(PageNumberPagination):
    """DRF's page-number pagination; a malformed page is 400 ``{"page": ["页码须为正整数。"]}``."""

    page_size_query_param = "page_size"

    @property
    def max_page_size(self) -> int:  # type: ignore[override]
        return int(getattr(settings, "API_MAX_PAGE_SIZE", 200))

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> Any:
        page = request.query_params.get(self.page_query_param)
        if page and page not in self.last_page_strings and not is_page_number(page):
            raise ValidationError({self.page_query_param: [str(PAGE_MESSAGE)]})
        size = request.query_params.get(self.page_size_query_param)
        if size and not is_page_number(size):
            raise ValidationError({self.page_size_query_param: [str(PAGE_SIZE_MESSAGE)]})
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        params = super().get_schema_operation_parameters(view)
        for param in params:
            schema = param.setdefault("schema", {})
            schema["minimum"] = 1
            if param["name"] == self.page_size_query_param:
                param["description"] = f"每页条数（默认 {self.page_size}，最多 {self.max_page_size}）"
        return params
