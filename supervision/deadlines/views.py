"""Staff pages: the deadline list (filters, Excel export), the detail with reminders and the
waive form, and the notification centre."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from supervision.core import policy
from supervision.core.scoping import get_visible_or_404
from supervision.core.web import ScopedDetailView, ScopedListView

from . import services
from .filters import DeadlineFilter
from .forms import WaiveForm
from .models import Deadline, Notification


class DeadlineList(ScopedListView):
    model = Deadline
    filterset_class = DeadlineFilter
    template_name = "deadlines/deadline_list.html"
    sortable = ("due", "start", "state", "rule__code", "region__code")
    default_ordering = ("due", "pk")
    export_name = "时限事项"
    export_columns = [
        ("规则", "rule.name"),
        ("事项对象", "subject_repr"),
        ("责任区划", "region.name"),
        ("责任部门", "department.name"),
        ("起算日", lambda d: d.start.isoformat()),
        ("到期日", lambda d: d.due.isoformat()),
        ("暂定", lambda d: "是" if d.provisional else ""),
        ("状态", "get_state_display"),
        ("依据", "rule.source_display"),
    ]

    def base_queryset(self):
        return Deadline.objects.select_related("rule", "region", "department")


class DeadlineDetail(ScopedDetailView):
    model = Deadline
    template_name = "deadlines/deadline_detail.html"

    def base_queryset(self):
        return Deadline.objects.select_related("rule", "region", "department", "waived_by", "content_type")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["reminders"] = list(self.object.reminders.all())
        ctx["form"] = kwargs.get("form") or WaiveForm()
        return ctx


@login_required
@require_POST
def deadline_waive(request: HttpRequest, pk: int) -> HttpResponse:
    """Waive a clock: the policy first (leaders and admins of its responsible department over its
    region; 403 otherwise, whatever was posted), then the form, then the service."""
    deadline = get_visible_or_404(
        Deadline.objects.select_related("region", "department"), request.user, pk=pk
    )
    policy.require(request.user, deadline, "waive")
    form = WaiveForm(request.POST)
    if form.is_valid():
        try:
            services.deadline_waive(deadline, reason=form.cleaned_data["reason"], actor=request.user)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, _("已豁免该时限事项"))
            return redirect(deadline)
    view = DeadlineDetail()
    view.setup(request, pk=pk)
    view.object = deadline
    return render(request, view.template_name, view.get_context_data(form=form), status=400)


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    qs = Notification.objects.filter(user=user).order_by("-created_at", "-pk")
    if request.GET.get("unread"):
        qs = qs.filter(read_at__isnull=True)
    page_obj = Paginator(qs, 30).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "deadlines/notification_list.html",
        {
            "page_obj": page_obj,
            "paginator": page_obj.paginator,
            "is_paginated": page_obj.has_other_pages(),
            "object_list": page_obj.object_list,
            "querystring": params.urlencode(),
        },
    )


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    note = get_object_or_404(Notification, pk=pk, user=request.user)
    services.notification_mark_read(request.user, pk=note.pk)
    note.refresh_from_db()
    if request.headers.get("HX-Request"):
        return render(request, "deadlines/_notification_row.html", {"n": note, "oob_badge": True})
    return redirect("deadlines:notifications")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    n = services.notification_mark_read(request.user)
    messages.success(request, _("已将 %(n)s 条通知标为已读") % {"n": n})
    return redirect("deadlines:notifications")
