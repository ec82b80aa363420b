"""Staff pages of the credit app (thin: scope, form, one service call, redirect)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from institutions.models import Institution
from supervision.core import policy
from supervision.core.scoping import get_visible_or_404
from supervision.core.web import ScopedDetailView, ScopedListView
from supervision.files import store as files

from . import services
from .filters import CreditGradeFilter, CreditRecordFilter, ListingProposalFilter
from .forms import ProposalForm, RecordForm, StepForm
from .models import CreditGrade, CreditRecord, ListingProposal, ProposalAttachment, ProposalState

STEP_BUTTONS = {
    "notify": ("告知当事人（开始陈述申辩期）", "btn-primary", False),
    "object": ("登记陈述申辩", "btn-outline-primary", False),
    "review": ("提交审核意见", "btn-primary", False),
    "decide": ("作出决定", "btn-danger", True),
    "publish": ("向社会公示", "btn-danger", True),
    "apply_removal": ("登记提前移出申请（信用修复）", "btn-outline-primary", False),
    "decide_removal": ("作出移出决定", "btn-danger", True),
    "withdraw": ("撤回", "btn-outline-secondary", True),
}


def _error_text(exc: ValidationError) -> str:
    return "；".join(str(m) for m in exc.messages)


class RecordListView(ScopedListView):
    model = CreditRecord
    filterset_class = CreditRecordFilter
    template_name = "credit/record_list.html"
    sortable = ("effective_on", "points", "kind")
    default_ordering = ("-effective_on", "-pk")
    export_name = "信用记录"
    export_columns = [
        ("统一社会信用代码", "credit_code"),
        ("机构", "institution.name"),
        ("类型", "get_kind_display"),
        ("事项", "title"),
        ("分值", lambda r: float(r.points)),
        ("依据文书", "source_document"),
        ("生效日期", "effective_on"),
        ("失效日期", "expires_on"),
        ("相关人员", "person_name"),
        ("身份证号码", "person_id_masked"),
        ("记录部门", "department.name"),
    ]

    def base_queryset(self):
        return CreditRecord.objects.select_related("institution", "department")


class GradeListView(ScopedListView):
    model = CreditGrade
    filterset_class = CreditGradeFilter
    template_name = "credit/grade_list.html"
    sortable = ("score", "grade", "credit_code")
    default_ordering = ("score", "pk")
    export_name = "信用等级"
    export_columns = [
        ("统一社会信用代码", "credit_code"),
        ("机构", "institution.name"),
        ("信用分", lambda g: float(g.score)),
        ("信用等级", "grade"),
        ("风险等级", "get_risk_class_display"),
        ("评分日期", "computed_for"),
    ]

    def base_queryset(self):
        return CreditGrade.objects.select_related("institution")


class ProposalListView(ScopedListView):
    model = ListingProposal
    filterset_class = ListingProposalFilter
    template_name = "credit/proposal_list.html"
    sortable = ("created_at", "objection_due", "term_ends", "state")
    default_ordering = ("-created_at", "-pk")
    export_name = "名单管理"
    export_columns = [
        ("编号", "number"),
        ("名单类型", "get_list_type_display"),
        ("统一社会信用代码", "credit_code"),
        ("机构", "institution.name"),
        ("当事人", "person_name"),
        ("身份证号码", "person_id_masked"),
        ("列入事由", "get_ground_display"),
        ("状态", "get_state_display"),
        ("决定书文号", "decision_number"),
        ("列入期限", "term_display"),
        ("提出部门", "department.name"),
    ]

    def base_queryset(self):
        return (
            ListingProposal.objects.with_objection_due()
            .select_related("institution", "department")
            .defer("decision_pdf")
        )


def index(request: HttpRequest) -> HttpResponse:
    return redirect("credit:proposal_list")


@login_required
def profile(request: HttpRequest, credit_code: str) -> HttpResponse:
    """An institution's credit profile: records, grade with reasons, list status; a POST
    enters a record by hand (only the kinds the user's post may record here)."""
    inst = get_visible_or_404(
        Institution.objects.select_related("region"), request.user, credit_code=credit_code
    )
    kinds = services.staff_kinds_for(request.user, inst)
    if request.method == "POST":
        if not kinds:  # refused before the form is read, with the policy's reason
            policy.require(
                request.user, services.staff_record(request.user, inst, services.STAFF_KINDS[0]), "record"
            )
        form = RecordForm(request.POST, kinds=kinds)
        if form.is_valid():
            try:
                services.record_enter(request.user, inst, **form.cleaned_data)
            except ValidationError as exc:
                messages.error(request, _error_text(exc))
            else:
                messages.success(request, _("信用记录已录入，信用等级已重新计算。"))
                return redirect("credit:profile", credit_code=credit_code)
    else:
        form = RecordForm(kinds=kinds)
    grade = CreditGrade.objects.filter(institution=inst).first()
    records = (
        CreditRecord.objects.visible_to(request.user).filter(institution=inst).select_related("department")
    )
    proposals = (
        ListingProposal.objects.visible_to(request.user)
        .filter(institution=inst)
        .defer("decision_pdf")
        .select_related("department")
    )
    return render(
        request,
        "credit/profile.html",
        {
            "inst": inst,
            "grade": grade,
            "records": records,
            "proposals": proposals,
            "restrictions": services.restrictions_for(credit_code),
            "is_listed": services.is_listed(credit_code),
            "risk": services.risk_class_for([credit_code])[credit_code],
            "person_matches": services.person_matches(inst, user=request.user),
            "form": form,
            "may_record": bool(kinds),
            "may_propose": bool(services.grounds_for(request.user, inst)),
        },
    )


@login_required
def proposal_new(request: HttpRequest, credit_code: str) -> HttpResponse:
    inst = get_visible_or_404(
        Institution.objects.select_related("region"), request.user, credit_code=credit_code
    )
    grounds = services.grounds_for(request.user, inst)
    if request.method == "POST" and not grounds:
        # 谁监管、谁列入: refused before the form is read, with the policy's reason
        policy.require(request.user, ListingProposal(institution=inst, region=inst.region), "propose")
    records = list(
        CreditRecord.objects.visible_to(request.user)
        .filter(institution=inst, withdrawn_at__isnull=True)
        .order_by("-effective_on")
    )
    form = ProposalForm(
        request.POST or None, records=records, grounds=grounds, initial={"ground": request.GET.get("ground")}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = [r for r in records if str(r.pk) in data["evidence"]]
        try:
            p = services.proposal_create(
                request.user,
                inst,
                list_type=data["list_type"],
                ground=data["ground"],
                facts=data["facts"],
                evidence=chosen,
                person_name=data["person_name"],
                person_id_number=data["person_id_number"],
            )
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("已提出拟列入，请按程序告知当事人。"))
            return redirect("credit:proposal_detail", pk=p.pk)
    return render(request, "credit/proposal_form.html", {"inst": inst, "form": form})


class ProposalDetailView(ScopedDetailView):
    model = ListingProposal
    template_name = "credit/proposal_detail.html"
    context_object_name = "p"

    def base_queryset(self):
        return ListingProposal.objects.select_related(
            "institution", "department", "proposed_by", "decided_by"
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        p = self.object
        today = services.today()
        clock = p.objection_clock
        if p.state == ProposalState.NOTIFIED and clock is not None and clock.is_live:
            ctx["workdays_left"] = clock.workdays_left()
        ctx["objection_clock"] = clock
        # The buttons the state allows; the template shows those the policy allows the user.
        ctx["steps"] = [
            {"step": s, "label": STEP_BUTTONS[s][0], "css": STEP_BUTTONS[s][1], "confirm": STEP_BUTTONS[s][2]}
            for s in p.allowed_steps(today)
        ]
        ctx["form"] = StepForm()
        ctx["events"] = p.events.select_related("actor")
        ctx["evidence"] = p.evidence.all()
        ctx["policy"] = services.policy_for(p.region)
        return ctx


@login_required
@require_POST
def proposal_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """Run one procedure step through its service. The policy is asked before the form is read
    (a refusal is a 403 with its reason); a refused input or state step comes back as a message."""
    if step not in STEP_BUTTONS:
        raise Http404("未知的办理步骤")
    p = get_visible_or_404(ListingProposal.objects.defer("decision_pdf"), request.user, pk=pk)
    policy.require(request.user, p, step)
    form = StepForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请检查填写的内容。"))
        return redirect("credit:proposal_detail", pk=pk)
    d = form.cleaned_data
    yes = d.get("decision") == "yes"
    user, on, text = request.user, d["on"], d.get("text", "")
    calls = {
        "notify": lambda: services.proposal_notify(p, actor=user, on=on),
        "object": lambda: services.proposal_object(p, actor=user, text=text, on=on),
        "review": lambda: services.proposal_review(p, actor=user, opinion=text, recommend_listing=yes, on=on),
        "decide": lambda: services.proposal_decide(
            p, actor=user, list_it=yes, opinion=text, on=on, permanent=d.get("permanent", False)
        ),
        "publish": lambda: services.proposal_publish(p, actor=user, on=on),
        "apply_removal": lambda: services.proposal_apply_removal(p, actor=user, proof=text, on=on),
        "decide_removal": lambda: services.proposal_decide_removal(
            p, actor=user, approve=yes, opinion=text, on=on
        ),
        "withdraw": lambda: services.proposal_withdraw(p, actor=user, reason=text),
    }
    if step in ("decide", "decide_removal") and not d.get("decision"):
        messages.error(request, _("请选择结论。"))
        return redirect("credit:proposal_detail", pk=pk)
    try:
        result = calls[step]()
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(
            request,
            _("已办理：%(step)s。当前状态：%(state)s")
            % {"step": services.STEP_LABELS[step], "state": result.get_state_display()},
        )
    return redirect("credit:proposal_detail", pk=pk)


@login_required
def decision_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    p = get_visible_or_404(ListingProposal.objects.all(), request.user, pk=pk)
    if not p.decision_pdf:
        raise Http404("尚未作出决定")
    response = HttpResponse(bytes(p.decision_pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="decision-{p.pk}.pdf"'
    response["X-Content-SHA256"] = p.decision_sha256
    return response


@login_required
@require_GET
def proposal_attachment(request: HttpRequest, pk: int) -> FileResponse:
    """A file the institution attached to its statement or application (staff who see the
    procedure; 404 otherwise)."""
    row = get_visible_or_404(ProposalAttachment.objects.all(), request.user, pk=pk)
    return files.download(row.path, filename=row.name)


def workbench_panel(request: Any) -> dict[str, Any] | None:
    """Procedures waiting for the user's department: running objection periods, decisions and
    removal applications."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    waiting = (
        ListingProposal.objects.with_objection_due()
        .visible_to(user)
        .filter(
            state__in=[
                ProposalState.NOTIFIED,
                ProposalState.ELAPSED,
                ProposalState.OBJECTED,
                ProposalState.REVIEWED,
                ProposalState.LISTED,
                ProposalState.REMOVAL_APPLIED,
            ]
        )
        .select_related("institution")
        .defer("decision_pdf")
        .order_by("objection_due", "pk")[:10]
    )
    rows = list(waiting)
    if not rows:
        return None
    return {
        "template": "credit/panel_waiting.html",
        "context": {"credit_waiting": rows},
        "order": 40,
        "url": reverse("credit:proposal_list"),
    }
