"""One notice item: its page, the institution's response, acceptance or rejection, evidence files."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from supervision.core import policy
from supervision.core.scoping import get_visible_or_404
from supervision.files import store as files

from .. import services
from ..forms import (
    AcceptForm,
    RejectForm,
    RespondForm,
)
from ..models import (
    ItemResponse,
    NoticeItem,
)
from .common import _form_errors

# --- one item: response and acceptance -----------------------------------------------------------


def _item(request: HttpRequest, pk: int) -> NoticeItem:
    return get_visible_or_404(
        NoticeItem.objects.with_clock().select_related(
            "notice__institution", "notice__issuing_department", "notice__issuing_region", "finding__domain"
        ),
        request.user,
        pk=pk,
    )


def _item_page(request: HttpRequest, item: NoticeItem, **forms: Any) -> HttpResponse:
    from supervision.deadlines.services import open_deadlines_for

    ctx = {
        "item": item,
        "notice": item.notice,
        "responses": item.responses.all(),
        "acceptances": item.acceptances.select_related("reinspection"),
        "clocks": open_deadlines_for(item),
        "respond_form": forms.get("respond_form") or RespondForm(),
        "accept_form": forms.get("accept_form") or AcceptForm(item=item),
        "reject_form": forms.get("reject_form") or RejectForm(item=item, prefix="r"),
        "today": timezone.localdate(),
    }
    return render(request, "rectification/item_detail.html", ctx, status=400 if forms else 200)


@login_required
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _item_page(request, _item(request, pk))


@login_required
@require_POST
def item_respond(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    policy.require(request.user, item, "respond")
    form = RespondForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data.get("evidence_file")
        try:
            services.item_respond(
                item,
                actor=request.user,
                action_taken=form.cleaned_data["action_taken"],
                evidence_text=form.cleaned_data["evidence_text"],
                evidence_name=upload.name if upload else "",
                evidence_data=upload or None,
                on=form.cleaned_data["responded_on"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "已登记整改报告，待复查验收。")
            return redirect("rectification:item_detail", pk=pk)
    return _item_page(request, item, respond_form=form)


def _verdict(request: HttpRequest, pk: int, reject: bool) -> HttpResponse:
    item = _item(request, pk)
    policy.require(request.user, item, "reject" if reject else "accept")
    form_class = RejectForm if reject else AcceptForm
    form = form_class(request.POST, item=item, prefix="r" if reject else None)
    if form.is_valid():
        data = form.cleaned_data
        kwargs: dict[str, Any] = {
            "actor": request.user,
            "acceptor": data["acceptor"],
            "observed": data["observed"],
            "reinspected_on": data["reinspected_on"],
            "reinspection": data["reinspection"],
        }
        try:
            if reject:
                services.item_reject(item, new_period_workdays=data.get("new_period_workdays"), **kwargs)
            else:
                services.item_accept(item, **kwargs)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "验收不通过，该问题继续整改。" if reject else "已签名验收通过。")
            return redirect("rectification:item_detail", pk=pk)
    return _item_page(request, item, **{"reject_form" if reject else "accept_form": form})


@login_required
@require_POST
def item_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _verdict(request, pk, reject=False)


@login_required
@require_POST
def item_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _verdict(request, pk, reject=True)


@login_required
def response_evidence(request: HttpRequest, pk: int) -> FileResponse | HttpResponse:
    response = ItemResponse.objects.filter(pk=pk).first()
    if response is None:
        raise Http404("未找到或无权查看")
    item = _item(request, response.item_id)  # scope check: 404 when the item is out of scope
    if request.method != "GET":
        # Evidence is attached with the report (item_respond); this URL only serves it. A write
        # to it is still asked of the policy first, so a refused persona learns why (403).
        policy.require(request.user, item, "respond")
        return HttpResponseNotAllowed(["GET"])
    if not response.evidence_path:
        raise Http404("未找到或无权查看")
    return files.download(response.evidence_path, filename=response.evidence_name or "evidence")
