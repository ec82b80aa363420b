"""The audit administrator's page (search, paging, Excel export) and the unmasking form."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from supervision.core.policy import Denied
from supervision.core.scoping import get_visible_or_404
from supervision.core.web import ScopedListView

from . import unmask
from .filters import AuditFilter
from .models import ChainLink, is_audit_admin

REFUSED = "审计日志仅审计管理员可以查阅。"


def _local(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S") if value else ""


class AuditLogList(ScopedListView):
    model = ChainLink
    filterset_class = AuditFilter
    template_name = "audit/log_list.html"
    paginate_by = 50
    sortable = ("seq", "at")
    default_ordering = ("-seq",)
    export_name = "audit-log"
    export_columns = [
        ("序号", "seq"),
        ("时间", lambda e: _local(e.at)),
        ("用户", "username"),
        ("部门", "department"),
        ("辖区", "jurisdiction"),
        ("操作", "get_action_display"),
        ("对象/详情", "object_text"),
        ("IP 地址", "ip_address"),
        ("请求编号", "request_id"),
        ("摘要", "digest"),
    ]

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated and not is_audit_admin(request.user):
            raise Denied(REFUSED)
        return super().dispatch(request, *args, **kwargs)

    def base_queryset(self) -> QuerySet:
        return ChainLink.objects.all()


@login_required
def reveal(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    entry = unmask.REGISTRY.get(slug)
    if entry is None:
        raise Http404
    obj = get_visible_or_404(entry.model.objects, request.user, pk=pk)  # type: ignore[attr-defined]
    if not unmask.may_unmask(request.user, obj):
        raise Denied("您的岗位无权查看完整的个人信息。")
    ctx: dict[str, Any] = {
        "entry": entry,
        "object_text": entry.describe(obj),
        "masked": unmask.masked_values(entry, obj),
        "back": entry.back(obj) if entry.back else "",
        "min_reason": unmask.MIN_REASON,
        "reason": "",
        "error": "",
    }
    if request.method == "POST":
        ctx["reason"] = request.POST.get("reason", "")
        try:
            ctx["revealed"] = unmask.reveal(request.user, entry, obj, ctx["reason"], request)
        except ValidationError as exc:
            ctx["error"] = "；".join(exc.message_dict.get("reason", exc.messages))
    response = render(request, "audit/reveal.html", ctx, status=400 if ctx["error"] else 200)
    response["Cache-Control"] = "no-store"
    return response
