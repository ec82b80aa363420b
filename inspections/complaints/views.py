"""Staff pages: the complaint inbox, detail with routing history, handling forms, hotline intake."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from supervision.core import policy
from supervision.core.scoping import get_visible_or_404
from supervision.core.web import ScopedListView
from supervision.publicity.masking import mask_name, mask_phone, scrub

from . import services
from .filters import ComplaintFilter
from .forms import HotlineForm, InspectionForm, MergeForm, ReassignForm, ReferralIntakeForm, ReplyForm
from .models import Complaint


def complainant_for(user: Any, c: Complaint) -> dict[str, str]:
    """The complainant as ``user`` sees them on the page: masked for every member of staff; the
    handling department's acting posts may unmask them with a reason (audited, /audit/reveal/)."""
    may_unmask = bool(c.complainant_name or c.complainant_phone) and policy.can(user, c, "unmask")
    return {
        "name": mask_name(c.complainant_name),
        "phone": mask_phone(c.complainant_phone),
        "masked": "" if services.is_handler(user, c) else "1",
        "may_unmask": "1" if may_unmask else "",
    }


class ComplaintList(ScopedListView):
    model = Complaint
    filterset_class = ComplaintFilter
    template_name = "complaints/complaint_list.html"
    sortable = ("received_at", "feedback_due", "state")
    default_ordering = ("-received_at", "-pk")
    export_name = "complaints"
    # No complainant columns: an export leaves the handling department's control.
    export_columns = [
        ("查询码", "tracking_code"),
        ("受理时间", lambda c: c.received_at.strftime("%Y-%m-%d %H:%M")),
        ("渠道", "get_channel_display"),
        ("12345 工单号", "hotline_number"),
        ("机构", "display_institution"),
        ("发生地", "region.name"),
        ("类别", "get_category_display"),
        ("承办部门", "handling_department.name"),
        ("承办辖区", "handling_region.name"),
        ("状态", "get_state_display"),
        ("反馈期限", "feedback_due"),
        ("答复时间", lambda c: c.replied_at.strftime("%Y-%m-%d %H:%M") if c.replied_at else ""),
    ]

    def base_queryset(self) -> QuerySet:
        return Complaint.objects.select_related(
            "institution", "region", "handling_department", "handling_region"
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx["may_intake"] = policy.can_ever(user, Complaint, "intake_hotline") or policy.can_ever(
            user, Complaint, "intake_referral"
        )
        return ctx


def _get(request: HttpRequest, pk: int) -> Complaint:
    return get_visible_or_404(
        Complaint.objects.select_related(
            "institution",
            "region",
            "handling_department",
            "handling_region",
            "domain",
            "merged_into",
            "inspection",
        ),
        request.user,
        pk=pk,
    )


@login_required
def complaint_photo(request: HttpRequest, pk: int, photo: int) -> HttpResponseBase:
    """A photo sent with the complaint, to whoever may see the complaint (else 404)."""
    from django.shortcuts import get_object_or_404

    from supervision.files import store

    c = _get(request, pk)
    item = get_object_or_404(c.photos, pk=photo)
    return store.download(item.file, filename=item.original_name, inline=True)


@login_required
def complaint_detail(request: HttpRequest, pk: int, forms: dict[str, Any] | None = None) -> HttpResponse:
    c = _get(request, pk)
    handler = services.is_handler(request.user, c)
    forms = forms or {}
    ctx = {
        "c": c,
        "complainant": complainant_for(request.user, c),
        # Free text often carries the complainant's own number: masked outside the handler.
        "content": c.content if handler else scrub(c.content),
        "findings": c.findings if handler else scrub(c.findings),
        "events": c.events.select_related("to_department", "to_region", "actor"),
        "duplicates": c.duplicates.all(),
        "photos": c.photos.all(),
        "is_handler": handler,
        "reassign_form": forms.get("reassign") or ReassignForm(user=request.user),
        "merge_form": forms.get("merge") or MergeForm(),
        "reply_form": forms.get("reply") or ReplyForm(),
        "inspection_form": forms.get("inspection")
        or (
            InspectionForm(complaint=c)
            if c.institution_id and policy.can(request.user, c, "inspect")
            else None
        ),
    }
    return render(request, "complaints/complaint_detail.html", ctx, status=400 if forms else 200)


def _apply(request: HttpRequest, pk: int, key: str, form: Any, action: Any) -> HttpResponse:
    """Run a validated form through its service; a refused input is shown on the form. The
    policy was asked before the form was read (``_acting``); a refusal inside the service is a
    403 too (it propagates)."""
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errs in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errs)
            else:
                form.add_error(None, exc.messages)
        else:
            messages.success(request, "已保存。")
            return redirect("complaints:detail", pk=pk)
    return complaint_detail(request, pk, {key: form})


def _acting(request: HttpRequest, pk: int, action: str) -> Complaint:
    """The complaint (404 out of scope), once the policy allows ``action`` on it (else 403)."""
    c = _get(request, pk)
    policy.require(request.user, c, action)
    return c


@login_required
@require_POST
def complaint_reassign(request: HttpRequest, pk: int) -> HttpResponse:
    c = _acting(request, pk, "reassign")
    return _apply(
        request,
        pk,
        "reassign",
        ReassignForm(request.POST, user=request.user),
        lambda d: services.complaint_reassign(
            c,
            actor=request.user,
            to_department=d["to_department"],
            to_region=d["to_region"],
            reason=d["reason"],
        ),
    )


@login_required
@require_POST
def complaint_merge(request: HttpRequest, pk: int) -> HttpResponse:
    c = _acting(request, pk, "merge")

    def merge(d: dict[str, Any]) -> None:
        code = services.normalise_code(d["into_code"])
        target = Complaint.objects.visible_to(request.user).filter(tracking_code=code).first()
        if target is None:
            raise ValidationError({"into_code": "未找到该查询码对应的投诉（或无权查看）。"})
        services.complaint_merge(c, target, actor=request.user)

    return _apply(request, pk, "merge", MergeForm(request.POST), merge)


@login_required
@require_POST
def complaint_reply(request: HttpRequest, pk: int) -> HttpResponse:
    c = _acting(request, pk, "reply")
    return _apply(
        request,
        pk,
        "reply",
        ReplyForm(request.POST),
        lambda d: services.complaint_reply(
            c, actor=request.user, findings=d["findings"], reply=d["reply"], outcome=d["outcome"]
        ),
    )


@login_required
@require_POST
def complaint_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    fn = {"start": services.complaint_start, "close": services.complaint_close}.get(step)
    if fn is None:
        return HttpResponse(status=404)
    c = _acting(request, pk, step)
    try:
        fn(c, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("complaints:detail", pk=pk)


@login_required
@require_POST
def complaint_inspect(request: HttpRequest, pk: int) -> HttpResponse:
    c = _acting(request, pk, "inspect")
    form = InspectionForm(request.POST, complaint=c)

    def launch(d: dict[str, Any]) -> None:
        services.complaint_launch_inspection(
            c, actor=request.user, team=d["team"], scheduled_on=d["scheduled_on"]
        )

    return _apply(request, pk, "inspection", form, launch)


def _after_intake(request: HttpRequest, c: Complaint, what: str) -> HttpResponse:
    messages.success(
        request,
        f"已登记{what}，查询码 {c.tracking_code}，已分办至{c.handling_region}{c.handling_department}。",
    )
    visible = Complaint.objects.visible_to(request.user).filter(pk=c.pk).exists()
    return redirect("complaints:detail", pk=c.pk) if visible else redirect("complaints:list")


@login_required
@require_POST
def referral_intake(request: HttpRequest) -> HttpResponse:
    """Register a referral (抄告) sent to the user's department as a complaint (idempotent).
    The post is asked before the form is read; the service asks again on the referral (its
    receiving department and region)."""
    policy.require_ever(request.user, Complaint, "intake_referral")
    form = ReferralIntakeForm(request.POST)
    if form.is_valid():
        try:
            referral = services.referral_for_intake(request.user, form.cleaned_data["referral"])
            c = services.complaint_from_referral(referral, actor=request.user)
        except ValidationError as exc:
            for field, errs in getattr(exc, "message_dict", {"referral": exc.messages}).items():
                form.add_error(field if field in form.fields else None, errs)
        else:
            return _after_intake(request, c, "抄告")
    return render(
        request,
        "complaints/hotline_form.html",
        {
            "form": (
                HotlineForm(user=request.user)
                if policy.can_ever(request.user, Complaint, "intake_hotline")
                else None
            ),
            "referral_form": form,
        },
        status=400,
    )


@login_required
def hotline_intake(request: HttpRequest) -> HttpResponse:
    """Enter a 12345 work order (civil affairs over the place); the page also registers a
    referral sent to the user's department. A POST asks the post before the form is read (the
    service asks again with the order's place); the page is refused to a post that could take
    neither."""
    may_hotline = policy.can_ever(request.user, Complaint, "intake_hotline")
    if request.method == "POST" or not (
        may_hotline or policy.can_ever(request.user, Complaint, "intake_referral")
    ):
        policy.require_ever(request.user, Complaint, "intake_hotline")
    form = HotlineForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            c = services.complaint_register_hotline(
                actor=request.user,
                hotline_number=d["hotline_number"],
                **form.intake(),
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            return _after_intake(request, c, "")
    return render(
        request,
        "complaints/hotline_form.html",
        {"form": form if may_hotline else None, "referral_form": ReferralIntakeForm()},
    )
