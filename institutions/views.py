"""Staff pages of the registry (thin: scope, form, one service call, redirect)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView

from supervision.core import policy
from supervision.core.scoping import get_visible_or_404
from supervision.core.web import PolicyRequiredMixin, ScopedDetailView, ScopedListView
from supervision.files import store as files

from . import dossier, services
from .file_tabs import incidents_with_labels
from .filters import InstitutionFilter
from .forms import (
    AppointmentForm,
    ChangeFilingForm,
    DiscoverUnfiledForm,
    DrillForm,
    EmergencyPlanForm,
    ExitForm,
    FilingForm,
    GradeRatingForm,
    IncidentReportForm,
    InstitutionForm,
    OnsiteCheckForm,
    RegisterForm,
    StaffForm,
    TrainingRecordForm,
)
from .history import HISTORY_VERBS, field_label, readable_history  # noqa: F401  (kept importable here)
from .models import (
    SCORE_SECTIONS,
    Appointment,
    Filing,
    GradeLevel,
    Institution,
    InstitutionRestriction,
    InstitutionStatus,
    PersonRestriction,
    Staff,
    allowed_targets,
)
from .querysets import institution_list_queryset, with_badges


def grade_label(obj: Any) -> str:
    level = getattr(obj, "current_grade", None)
    return str(GradeLevel(level).label) if level else ""


class InstitutionListView(ScopedListView):
    """机构名录: filters, search, sorting, Excel export — all inside the user's jurisdiction."""

    model = Institution
    filterset_class = InstitutionFilter
    template_name = "institutions/institution_list.html"
    sortable = ("name", "credit_code", "beds", "status", "updated_at", "region__code")
    default_ordering = ("name", "pk")
    export_name = "养老服务机构"
    export_columns = [
        ("统一社会信用代码", "credit_code"),
        ("机构名称", "name"),
        ("机构类型", "get_kind_display"),
        ("机构性质", "get_nature_display"),
        ("状态", "get_status_display"),
        ("所在乡镇（街道）", "region.name"),
        ("地址", "address"),
        ("床位数", "beds"),
        ("等级", grade_label),
        ("投诉电话", "complaint_phone"),
        ("备案名称不规范", lambda o: "是" if o.name_nonstandard else ""),
    ]

    def base_queryset(self) -> QuerySet:
        return institution_list_queryset()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["grade_label"] = grade_label
        ctx["can_create"] = policy.can_ever(self.request.user, Institution, "keep")
        return ctx


class InstitutionDetailView(ScopedDetailView):
    """The institution's file (一户一档): header with badges and actions, and the tabs every app
    registers (``institutions.dossier``), each with its count; ``?tab=`` opens one."""

    model = Institution
    template_name = "institutions/institution_detail.html"
    context_object_name = "institution"

    def base_queryset(self) -> QuerySet:
        return with_badges(Institution.objects.select_related("region__parent"))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        inst: Institution = self.object
        user = self.request.user
        file_tabs = dossier.tabs_with_counts(user, inst)
        keys = [t["key"] for t in file_tabs]
        active = self.request.GET.get("tab") or ""
        if active not in keys:
            active = keys[0] if keys else ""
        # Every tab is rendered here (server-side, each its own queries, bounded by the number
        # of tabs); ``?tab=`` opens one, and ``institutions:file_tab`` serves one tab alone.
        for t in file_tabs:
            t["html"] = render_tab(self.request, inst, t["key"])
        ctx["file_tabs"] = file_tabs
        ctx["active_tab"] = active
        ctx["badges"] = dossier.badges_of(inst)
        ctx["restrictions"] = [r for r in inst.restrictions.all() if r.is_active(timezone.localdate())]
        # The buttons: the template asks ``{% can institution "keep" %}`` and "report"; the
        # status steps offered are those of the table, to the posts that keep the registry.
        keeps = policy.can(user, inst, "keep")
        ctx["targets"] = allowed_targets(inst.status) if keeps else []
        ctx["S"] = InstitutionStatus
        return ctx


def render_tab(request: HttpRequest, inst: Institution, key: str) -> str:
    tab = dossier.get_tab(key)
    if tab is None:
        raise Http404("没有这个栏目")
    template, context = tab.render(request, inst)
    return render_to_string(template, {"institution": inst, **context}, request=request)


@login_required
def institution_file_tab(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """One tab of the institution file alone, as an htmx partial (to refresh it in place); a
    plain request goes to the page with the tab open."""
    inst = get_visible_or_404(Institution.objects.select_related("region"), request.user, pk=pk)
    if dossier.get_tab(key) is None:
        raise Http404("没有这个栏目")
    if not request.headers.get("HX-Request"):
        return redirect(f"{reverse('institutions:detail', args=[inst.pk])}?tab={key}")
    return HttpResponse(render_tab(request, inst, key))


class RestrictionListView(LoginRequiredMixin, TemplateView):
    """限制措施: read-only list of the restrictions in force today on institutions of the user's
    jurisdiction and on persons holding a post or a job there (ID numbers masked)."""

    template_name = "institutions/restriction_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        today = timezone.localdate()
        ctx["today"] = today
        ctx["institution_restrictions"] = list(
            InstitutionRestriction.objects.active_on(today)
            .visible_to(user)
            .select_related("institution__region")
            .order_by("-starts_on", "-pk")
        )
        staff = Staff.objects.visible_to(user).filter(left_on__isnull=True).select_related("institution")
        posts = (
            Appointment.objects.visible_to(user).filter(ended_on__isnull=True).select_related("institution")
        )
        where: dict[int, set[Any]] = {}
        for job in list(staff) + list(posts):
            where.setdefault(job.person_id, set()).add(job.institution)
        restrictions = list(
            PersonRestriction.objects.filter(person_id__in=where)
            .active_on(today)
            .select_related("person")
            .order_by("-starts_on", "-pk")
        )
        for r in restrictions:
            r.institutions = sorted(where[r.person_id], key=lambda i: i.name)
        ctx["person_restrictions"] = restrictions
        return ctx


class InstitutionCreateView(LoginRequiredMixin, PolicyRequiredMixin, FormView):
    """新增机构: a post that keeps the registry somewhere (civil affairs' acting posts) gets the
    form; the service judges the chosen region (``Institution.write_rules`` "keep")."""

    form_class = InstitutionForm
    template_name = "institutions/institution_form.html"
    extra_context = {"title": _("新增养老服务机构")}
    policy_action = "keep"

    def policy_target(self) -> Any:
        return Institution

    def get(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        policy.require_ever(request.user, Institution, "keep")
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form: InstitutionForm) -> HttpResponse:
        data = {f: form.cleaned_data[f] for f in form.Meta.fields}
        try:
            inst = services.institution_create(actor=self.request.user, **data)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("已新增机构：%(name)s") % {"name": inst.name})
        return redirect("institutions:detail", pk=inst.pk)


class InstitutionActionView(LoginRequiredMixin, PolicyRequiredMixin, FormView):
    """Base for every form about one institution: the institution is fetched through
    ``visible_to`` (404 out of scope), the write policy is asked before the form is read (403
    with the reason, on GET too: no form is offered that could not be sent), the form feeds one
    service, errors return to the form."""

    template_name = "institutions/action_form.html"
    title: Any = ""
    success_message: Any = _("已保存")
    tab = "basic"
    confirm: Any = ""
    # Registry writes are civil affairs' ("keep"); reports that any department in scope may
    # record (discovery, drills, plans, incidents) are "report" (``Institution.write_rules``).
    policy_action = "keep"

    def policy_target(self) -> Institution:
        if not hasattr(self, "institution"):
            self.institution = get_visible_or_404(
                Institution.objects.select_related("region"), self.request.user, pk=self.kwargs["pk"]
            )
        return self.institution

    def get(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        policy.require(request.user, self.policy_target(), self.policy_action)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            **super().get_context_data(**kwargs),
            "institution": self.institution,
            "title": self.title,
            "confirm": self.confirm,
        }

    def perform(self, form: Any) -> Any:
        raise NotImplementedError

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            self.perform(form)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, self.success_message)
        return HttpResponseRedirect(
            reverse("institutions:detail", args=[self.institution.pk]) + f"#{self.tab}"
        )


class InstitutionEditView(InstitutionActionView):
    """编辑机构信息. A new region is judged by the service with the same rule as the API (the
    editor must keep the registry where the institution goes)."""

    form_class = InstitutionForm
    template_name = "institutions/institution_form.html"
    title = _("编辑机构信息")
    policy_action = "edit"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.request.user, "instance": self.institution}

    def form_valid(self, form: Any) -> HttpResponse:
        # The ModelForm must not save itself: the service writes and audits.
        fresh = Institution.objects.get(pk=self.institution.pk)
        self.changes = {f: form.cleaned_data[f] for f in form.Meta.fields}
        self.institution = fresh
        return super().form_valid(form)

    def perform(self, form: Any) -> None:
        services.institution_update(self.institution, actor=self.request.user, **self.changes)


class FilingCreateView(InstitutionActionView):
    form_class = FilingForm
    title = _("办理备案")
    success_message = _("备案已登记，已开启“备案后 20 个工作日内现场核查”期限。")
    tab = "filings"

    def perform(self, form: FilingForm) -> None:
        services.filing_submit(self.institution, actor=self.request.user, **form.cleaned_data)


class ChangeFilingView(InstitutionActionView):
    form_class = ChangeFilingForm
    title = _("变更备案")
    success_message = _("变更备案已记录。")
    tab = "filings"

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = Institution.objects.get(pk=self.institution.pk)
        return kwargs

    def perform(self, form: ChangeFilingForm) -> None:
        changes = {f: form.cleaned_data[f] for f in ChangeFilingForm.Meta.fields}
        result = services.filing_change(
            self.institution,
            actor=self.request.user,
            submitted_on=form.cleaned_data["submitted_on"],
            changes=changes,
            note=form.cleaned_data["note"],
        )
        if result is None:
            raise ValidationError(_("没有任何事项发生变化。"))


@login_required
def filing_certificate(request: HttpRequest, pk: int) -> FileResponse:
    """The filing's registration certificate scan, to users who may see the filing (404
    otherwise), as an attachment from the private file store."""
    filing = get_visible_or_404(Filing.objects.all(), request.user, pk=pk)
    if not filing.certificate_file:
        raise Http404("该备案没有登记证书扫描件")
    return files.download(filing.certificate_file)


class OnsiteCheckCreateView(InstitutionActionView):
    form_class = OnsiteCheckForm
    title = _("录入现场核查")
    success_message = _("现场核查已录入，相应期限已办结。")
    tab = "filings"

    def perform(self, form: OnsiteCheckForm) -> None:
        services.onsite_check_record(self.institution, actor=self.request.user, **form.cleaned_data)


class DiscoverUnfiledView(InstitutionActionView):
    policy_action = "report"
    form_class = DiscoverUnfiledForm
    title = _("发现未备案开展服务")
    success_message = _("已记录，并开启“发现之日起 20 个工作日内现场检查、督促备案”期限。")

    def perform(self, form: DiscoverUnfiledForm) -> None:
        services.institution_discover_unfiled(self.institution, actor=self.request.user, **form.cleaned_data)


class RegisterView(InstitutionActionView):
    form_class = RegisterForm
    title = _("补办登记")

    def perform(self, form: RegisterForm) -> None:
        services.institution_register(self.institution, actor=self.request.user, **form.cleaned_data)


class AppointmentView(InstitutionActionView):
    form_class = AppointmentForm
    title = _("任命法定代表人/主要负责人")
    tab = "staff"

    def perform(self, form: AppointmentForm) -> None:
        services.appointment_make(self.institution, actor=self.request.user, **form.cleaned_data)


class StaffCreateView(InstitutionActionView):
    form_class = StaffForm
    title = _("登记从业人员")
    tab = "staff"

    def perform(self, form: StaffForm) -> None:
        d = form.cleaned_data
        certificate = None
        if d["certificate_name"]:
            certificate = {
                "name": d["certificate_name"],
                "number": d["certificate_number"],
                "expires_on": d["certificate_expires_on"],
            }
        services.staff_appoint(
            self.institution,
            actor=self.request.user,
            name=d["name"],
            id_number=d["id_number"],
            role=d["role"],
            hired_on=d["hired_on"],
            skill_level=d["skill_level"] or "",
            certificate=certificate,
        )


class GradeRatingView(InstitutionActionView):
    form_class = GradeRatingForm
    title = _("录入等级评定")
    tab = "ratings"

    def perform(self, form: GradeRatingForm) -> None:
        d = form.cleaned_data
        services.grade_rate(
            self.institution,
            actor=self.request.user,
            scores={k: d[k] for k in SCORE_SECTIONS},
            rated_on=d["rated_on"],
            rated_by=d["rated_by"],
        )


class DrillCreateView(InstitutionActionView):
    policy_action = "report"
    form_class = DrillForm
    title = _("录入应急演练")
    success_message = _("演练已录入，下一次半年演练期限已开启。")
    tab = "drills"

    def perform(self, form: DrillForm) -> None:
        services.drill_record(self.institution, actor=self.request.user, **form.cleaned_data)


class EmergencyPlanCreateView(InstitutionActionView):
    policy_action = "report"
    form_class = EmergencyPlanForm
    title = _("登记应急预案")
    tab = "drills"

    def perform(self, form: EmergencyPlanForm) -> None:
        services.emergency_plan_add(self.institution, actor=self.request.user, **form.cleaned_data)


class IncidentReportView(InstitutionActionView):
    policy_action = "report"
    form_class = IncidentReportForm
    title = _("登记突发事件/疫情报告")
    tab = "exits"

    def perform(self, form: IncidentReportForm) -> None:
        report = services.incident_report(self.institution, actor=self.request.user, **form.cleaned_data)
        missing = incidents_with_labels([report])[0].missing_labels
        if missing:
            self.success_message = _("报告已登记。注意：尚未报告%(depts)s。") % {"depts": "、".join(missing)}
        else:
            self.success_message = _("报告已登记，应报部门均已报告。")


class TrainingRecordView(InstitutionActionView):
    form_class = TrainingRecordForm
    title = _("登记培训记录")
    success_message = _("培训记录已登记。")
    tab = "staff"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "institution": self.institution}

    def perform(self, form: TrainingRecordForm) -> None:
        d = dict(form.cleaned_data)
        staff = d.pop("staff")
        services.training_record(staff, actor=self.request.user, **d)


class SuspendView(InstitutionActionView):
    form_class = ExitForm
    title = _("暂停服务")
    confirm = _("确定暂停该机构的养老服务？")

    def perform(self, form: ExitForm) -> None:
        d = dict(form.cleaned_data)
        d.pop("asset_disposal_plan", None)
        if services.institution_suspend(self.institution, actor=self.request.user, **d) is None:
            raise ValidationError(_("该机构已处于暂停状态。"))


class TerminateView(InstitutionActionView):
    form_class = ExitForm
    title = _("终止服务")
    confirm = _("终止后不可恢复，确定终止该机构的养老服务？")

    def perform(self, form: ExitForm) -> None:
        if (
            services.institution_terminate(self.institution, actor=self.request.user, **form.cleaned_data)
            is None
        ):
            raise ValidationError(_("该机构已终止。"))


SIMPLE_ACTIONS = {
    "mark_not_operating": services.institution_mark_not_operating,
    "mark_operating": services.institution_mark_operating,
    "resume": services.institution_resume,
}


class StatusActionView(InstitutionActionView):
    """POST-only transitions that need no extra data."""

    http_method_names = ["post"]

    def post(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        action = SIMPLE_ACTIONS.get(kwargs["action"])
        if action is None:
            return HttpResponse(status=404)
        try:
            action(self.institution, actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("状态已更新。"))
        return redirect("institutions:detail", pk=self.institution.pk)
