"""The item list, the inspector directory and the directory of inspection objects."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from supervision.core import policy
from supervision.core.filters import harden
from supervision.core.web import ScopedListView

from .. import services
from ..filters import InspectorFilter, ItemFilter, ObjectFilter
from ..models import (
    Inspection,
    InspectionItem,
    InspectionStatus,
    Inspector,
)

# --- item list and inspector directory -----------------------------------------------------------


class ItemListView(ScopedListView):
    """随机抽查事项清单: the same for every user (not scoped), filterable and exportable."""

    model = InspectionItem
    filterset_class = ItemFilter
    template_name = "inspections/item_list.html"
    paginate_by = 50
    default_ordering = ("sort", "code")
    export_name = "随机抽查事项清单"
    export_columns = [
        ("编码", "code"),
        ("检查事项", "title"),
        ("领域", "domain.name"),
        ("责任部门", lambda i: i.responsible_department or ""),
        ("检查依据", "legal_basis"),
        ("检查方式", "check_method"),
        ("重点检查事项", lambda i: "是" if i.is_key else "否"),
    ]

    def get_queryset(self) -> QuerySet:
        return InspectionItem.objects.select_related("domain").order_by(*self.get_ordering())


class InspectorListView(ScopedListView):
    """执法检查人员名录库 within the user's scope."""

    model = Inspector
    filterset_class = InspectorFilter
    template_name = "inspections/inspector_list.html"
    sortable = ("name", "certificate_expires")
    default_ordering = ("department__code", "name", "pk")
    export_name = "执法检查人员名录"
    export_columns = [
        ("姓名", "name"),
        ("部门", "department.name"),
        ("区划", "region.name"),
        ("执法证号", "certificate_number"),
        ("有效期至", "certificate_expires"),
        ("检查领域", lambda i: "、".join(d.name for d in i.domains.all())),
        ("在岗", lambda i: "是" if i.active else "否"),
        ("可抽取", lambda i: "是" if i.is_drawable() else "否"),
    ]

    def base_queryset(self) -> QuerySet:
        return Inspector.objects.select_related("department", "region").prefetch_related("domains")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        from ..filters import CERTIFICATE_WARNING_DAYS

        today = timezone.localdate()
        ctx["today"] = today
        ctx["warn_until"] = today + dt.timedelta(days=CERTIFICATE_WARNING_DAYS)
        ctx["may_manage_inspectors"] = policy.can_ever(self.request.user, Inspector, "manage")
        return ctx


def objects_queryset(user: Any) -> QuerySet:
    """The 检查对象名录库 rows the user may see: operating institutions in their jurisdiction."""
    from institutions.models import Institution

    return Institution.objects.visible_to(user).filter(status__in=services.OPERATING_STATUSES)


class ObjectDirectoryView(ScopedListView):
    """检查对象名录库: a live view over the registry (never a copy) — operating institutions in
    the user's jurisdiction, with their current risk class and last finished inspection."""

    template_name = "inspections/object_list.html"
    filterset_class = None
    sortable = ("name", "last_inspected")
    default_ordering = ("region__code", "name", "pk")
    export_name = "检查对象名录库"
    export_columns = [
        ("统一社会信用代码", "credit_code"),
        ("机构名称", "name"),
        ("所在乡镇（街道）", "region.name"),
        ("状态", "get_status_display"),
        ("最近检查日期", "last_inspected"),
    ]

    def get_queryset(self) -> QuerySet:
        from django.db.models import Max

        done = Q(inspections__status__in=[InspectionStatus.CLOSED, InspectionStatus.PUBLISHED])
        qs = objects_queryset(self.request.user)
        # ``?region=`` and ``?covered=`` / ``?uncovered=<period>``: the dashboard's coverage links.
        self.filterset = harden(ObjectFilter(self.request.GET or None, queryset=qs))
        if self.filterset.is_bound:
            qs = self.filterset.qs if self.filterset.is_valid() else qs.none()
        return (
            qs.select_related("region")
            .annotate(last_inspected=Max("inspections__inspected_on", filter=done))
            .order_by(*self.get_ordering())
        )

    def get_filterset(self, filterset_class: Any) -> Any:
        return None

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.GET.get("export") == "xlsx":
            from supervision.core.models import SecurityEvent
            from supervision.core.signals import record
            from supervision.core.web import resolve, xlsx_response

            rows = ([resolve(o, a) for _, a in self.export_columns] for o in self.get_queryset().iterator())
            record(SecurityEvent.Kind.EXPORT, request, request.user, detail=self.export_name)
            return xlsx_response(f"{self.export_name}.xlsx", [h for h, _ in self.export_columns], rows)
        self.object_list = self.get_queryset()
        return self.render_to_response(self.get_context_data())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        from ..risk import risk_class_for

        ctx = super().get_context_data(**kwargs)
        page = list(ctx["object_list"])
        classes = risk_class_for(page)
        for inst in page:
            inst.risk_class = classes.get(inst.pk, "low")
        ctx["object_list"] = page
        ctx["may_inspect"] = policy.can_ever(self.request.user, Inspection, "create")
        return ctx
