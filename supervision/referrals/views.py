"""Staff pages of referrals (thin: scope, form, one service call, redirect)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from supervision.core import policy
from supervision.core.middleware import bad_query_response
from supervision.core.scoping import get_visible_or_404
from supervision.core.web import Column, ScopedDetailView, ScopedListView

from . import services
from .filters import ReferralFilter
from .forms import NoteForm, ReferralForm, RerouteForm, RespondForm
from .models import STEP_LABELS, Referral

RELATED = ("from_department", "from_region", "to_department", "to_region", "domain")

EXPORT_COLUMNS: list[Column] = [
    ("抄告函文号", "number"),
    ("事由", "title"),
    ("机构", "institution_name"),
    ("统一社会信用代码", "credit_code"),
    ("领域", "domain.name"),
    ("抄告部门", "sender_name"),
    ("接收部门", "receiver_name"),
    ("发现日期", "found_on"),
    ("发出日期", "sent_on"),
    ("反馈期限", lambda r: r.response_due or ""),
    ("状态", "get_state_display"),
    ("处理结果", "result"),
]


def error_text(exc: ValidationError) -> str:
    return "；".join(str(m) for m in exc.messages)


class _ReferralList(ScopedListView):
    model = Referral
    filterset_class = ReferralFilter
    sortable = ("response_due", "sent_on", "found_on", "state", "number", "created_at")
    export_columns = EXPORT_COLUMNS
    box = ""

    def base_queryset(self):
        return Referral.objects.with_clocks().select_related(*RELATED)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["box"] = self.box
        ctx["today"] = timezone.localdate()
        return ctx


class InboxView(_ReferralList):
    """收件箱: referrals received by the user's departments, soonest response due first."""

    template_name = "referrals/inbox.html"
    export_name = "抄告收件箱"
    box = "inbox"
    default_ordering = (F("response_due").asc(nulls_last=True), "-sent_on", "-pk")  # type: ignore[assignment]

    def get_queryset(self):
        return super().get_queryset().received_by(self.request.user)


class OutboxView(_ReferralList):
    """发件箱: referrals sent (or drafted) by the user's departments."""

    template_name = "referrals/outbox.html"
    export_name = "抄告发件箱"
    box = "outbox"
    default_ordering = ("-created_at", "-pk")

    def get_queryset(self):
        return super().get_queryset().sent_by(self.request.user)


def index(request: HttpRequest) -> HttpResponse:
    return redirect("referrals:inbox")


class NoSubject(Exception):
    """The request names no subject to refer (a form posted without ``subject``)."""


def _subject_from(request: HttpRequest) -> Any:
    """``?subject=app_label.model:pk`` → the subject, if the user may see it (else 404)."""
    raw = request.GET.get("subject") or request.POST.get("subject") or ""
    if not raw:
        raise NoSubject
    try:
        label, pk = raw.split(":", 1)
        app_label, model = label.split(".", 1)
        ct = ContentType.objects.get_by_natural_key(app_label, model)
    except (ValueError, ContentType.DoesNotExist) as exc:
        raise Http404("未找到抄告对象") from exc
    model_class = ct.model_class()
    if model_class is None or not hasattr(model_class._default_manager, "visible_to"):
        raise Http404("该对象不能抄告")
    return get_visible_or_404(model_class._default_manager.all(), request.user, pk=pk), raw  # type: ignore[arg-type]


def _snapshot(subject: Any) -> dict[str, Any]:
    """Pre-fill from the subject: ``referral_snapshot()`` when the model offers one, else the
    usual attribute names (duck typing: no import of the subject's app)."""
    if hasattr(subject, "referral_snapshot"):
        return dict(subject.referral_snapshot())
    data: dict[str, Any] = {}
    if getattr(subject, "name", None):
        data["institution_name"] = subject.name
    if getattr(subject, "credit_code", None):
        data["credit_code"] = subject.credit_code
    return data


@login_required
def referral_new(request: HttpRequest) -> HttpResponse:
    """登记抄告 about any visible subject; the receiver defaults to the remit matrix. A post
    that may not refer is refused (403) before the form is read; the service judges the
    chosen sending body again."""
    if request.method == "POST":
        policy.require_ever(request.user, Referral, "create")
    try:
        subject, raw = _subject_from(request)
    except NoSubject:
        return bad_query_response(request, ["请从检查发现、投诉等对象页面发起抄告（缺少抄告对象）。"])
    form = ReferralForm(request.POST or None, user=request.user, initial=_snapshot(subject))
    if not form.posts:
        raise policy.Denied("您没有可以发出抄告的岗位：抄告由部门的监管执法人员、领导、管理员或联络员办理。")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        department, region = form.sender()
        try:
            r = services.refer(
                subject,
                domain=data["domain"],
                from_department=department,
                from_region=region,
                user=request.user,
                title=data["title"],
                description=data["description"],
                institution_name=data["institution_name"],
                credit_code=data["credit_code"],
                evidence_summary=data["evidence_summary"],
                to_department=data["to_department"],
                found_on=data["found_on"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errs in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errs)
            else:
                form.add_error(None, exc.messages)
        else:
            messages.success(request, "抄告已登记，请预览抄告函后发出。")
            return redirect(r)
    return render(request, "referrals/form.html", {"form": form, "subject": subject, "subject_key": raw})


class ReferralDetailView(ScopedDetailView):
    model = Referral
    template_name = "referrals/detail.html"
    context_object_name = "r"

    def base_queryset(self):
        return (
            Referral.objects.with_clocks()
            .select_related(*RELATED, "letter", "created_by", "sent_by")
            .defer("letter__pdf")  # the page shows the hash, not the bytes
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        from supervision.deadlines.models import Deadline

        ctx = super().get_context_data(**kwargs)
        r: Referral = self.object
        user = self.request.user
        steps = [{"step": s, "label": STEP_LABELS[s]} for s in r.allowed_steps() if policy.can(user, r, s)]
        ctx.update(
            {
                "steps": steps,
                "step_names": [s["step"] for s in steps],
                "hops": r.hops.select_related(
                    "from_department", "from_region", "to_department", "to_region", "by"
                ),
                "events": r.events.select_related("actor"),
                "clocks": Deadline.objects.filter(
                    content_type=ContentType.objects.get_for_model(Referral, for_concrete_model=False),
                    object_id=r.pk,
                )
                .select_related("rule", "department", "region")
                .order_by("created_at", "pk"),
                "respond_form": RespondForm(),
                "reroute_form": RerouteForm(domain=r.domain),
                "note_form": NoteForm(),
                "today": timezone.localdate(),
            }
        )
        return ctx


@login_required
def letter_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The letter as HTML from the same template as the PDF (before sending)."""
    r = get_visible_or_404(Referral.objects.select_related(*RELATED), request.user, pk=pk)
    return HttpResponse(services.referral_preview_html(r))


@login_required
@require_POST
def referral_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """One POST per step: the policy first (403 for a post that may not take it, whatever was
    posted), then the form, then the service (which asks again and checks the transition)."""
    r = get_visible_or_404(Referral.objects.select_related(*RELATED), request.user, pk=pk)
    if step not in services.STEP_SERVICES:
        raise Http404("未知步骤")
    policy.require(request.user, r, step)
    kwargs: dict[str, Any] = {"actor": request.user}
    form: Any = None
    if step == "respond":
        form = RespondForm(request.POST)
    elif step == "reroute":
        form = RerouteForm(request.POST, domain=r.domain)
    elif step in ("acknowledge", "recognise", "cancel"):
        form = NoteForm(request.POST)
    if form is not None:
        if not form.is_valid():
            for errs in form.errors.values():
                messages.error(request, "；".join(errs))
            return redirect(r)
        kwargs.update(form.cleaned_data)
    try:
        services.STEP_SERVICES[step](r, **kwargs)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, f"已{STEP_LABELS[step]}。")
    return redirect(r)
