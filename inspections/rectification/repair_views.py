"""Staff pages of 信用修复 applications (机构端, issue 17): the deciding department grants or
refuses an institution's application on the penalty page; staff download its files."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from supervision.core import policy
from supervision.core.scoping import get_visible_or_404
from supervision.files import store as files

from . import services
from .institution_models import PenaltyRepairApplication, RepairAttachment
from .views import error_text


@login_required
@require_POST
def repair_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """审核信用修复申请: 同意 (the publication ends from today) or 不予同意 with a reason."""
    application = get_visible_or_404(PenaltyRepairApplication.objects.all(), request.user, pk=pk)
    policy.require(request.user, application, "decide")  # before the input is read
    decision = request.POST.get("decision", "")
    if decision not in ("grant", "refuse"):
        messages.error(request, "请选择同意或不予同意。")
        return redirect("rectification:penalty_detail", pk=application.penalty_id)
    try:
        services.repair_decide(
            application,
            actor=request.user,
            grant=decision == "grant",
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(
            request,
            "已同意信用修复申请，该处罚自今日起不再公示。"
            if decision == "grant"
            else "已作出不予同意的审核决定。",
        )
    return redirect("rectification:penalty_detail", pk=application.penalty_id)


@login_required
@require_GET
def repair_attachment(request: HttpRequest, pk: int) -> FileResponse:
    """One file of an application, for whoever sees its penalty (404 otherwise)."""
    row = get_visible_or_404(RepairAttachment.objects.all(), request.user, pk=pk)
    return files.download(row.path, filename=row.name)
