"""Findings: the three lists, the detail with its next steps, and a new finding."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from supervision.core import policy
from supervision.core.web import ScopedDetailView, ScopedListView

from .. import services
from ..filters import FindingFilter
from ..forms import (
    FindingForm,
)
from ..models import (
    Finding,
)
from ..querysets import RectificationProgress

# --- findings: the three lists ---------------------------------------------------------------------

LIST_KINDS: dict[str, dict[str, Any]] = {
    "hazards": {
        "title": _("隐患清单"),
        "export": [
            ("机构", "institution.name"),
            ("统一社会信用代码", "institution.credit_code"),
            ("领域", "domain.name"),
            ("隐患等级", "get_severity_display"),
            ("问题描述", "description"),
            ("发现日期", "found_on"),
            ("挂牌督办", lambda f: "是" if f.listed_supervision else "否"),
            ("状态", "get_rectification_progress_display"),
        ],
    },
    "rectification": {
        "title": _("整改清单"),
        "export": [
            ("机构", "institution.name"),
            ("问题描述", "description"),
            ("整改要求", "rectification_required"),
            ("整改期限", "rectification_due"),
            ("是否逾期", lambda f: "是" if f.rectification_overdue else "否"),
            ("状态", "get_rectification_progress_display"),
        ],
    },
    "responsibility": {
        "title": _("责任清单"),
        "export": [
            ("机构", "institution.name"),
            ("问题描述", "description"),
            ("机构责任人", "responsible_person"),
            ("监管部门", "supervising_department.name"),
            ("发现部门", "found_by_department.name"),
            ("抄告", "get_referral_progress_display"),
        ],
    },
}


class FindingListView(ScopedListView):
    """One list of findings, three views (隐患清单、整改清单、责任清单), each exportable."""

    model = Finding
    filterset_class = FindingFilter
    template_name = "inspections/finding_list.html"
    sortable = ("found_on", "rectification_due", "severity")
    default_ordering = ("status", "-found_on", "-pk")
    list_kind = "hazards"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.list_kind = kwargs.get("kind", "hazards")
        if self.list_kind not in LIST_KINDS:
            raise Http404
        spec = LIST_KINDS[self.list_kind]
        self.export_columns = spec["export"]
        self.export_name = str(spec["title"])
        return super().dispatch(request, *args, **kwargs)

    def base_queryset(self) -> QuerySet:
        return Finding.objects.with_progress().select_related(
            "institution", "domain", "supervising_department", "found_by_department"
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["list_kind"] = self.list_kind
        ctx["list_title"] = LIST_KINDS[self.list_kind]["title"]
        ctx["kinds"] = [(k, v["title"]) for k, v in LIST_KINDS.items()]
        ctx["may_create"] = policy.can_ever(self.request.user, Finding, "create")
        return ctx


class FindingDetailView(ScopedDetailView):
    """One finding: where it stands (read from its referral, notice item and clock), links to
    them, and the next steps as buttons only for a user who may take them."""

    model = Finding
    template_name = "inspections/finding_detail.html"

    def base_queryset(self) -> QuerySet:
        return (
            Finding.objects.with_progress()
            .select_related(
                "institution__region",
                "domain",
                "supervising_department",
                "found_by_department",
                "inspection",
                "item_result__item",
            )
            .prefetch_related(Prefetch("inspection__evidence"))
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx.update(finding_next_steps(self.object, self.request.user))
        return ctx


def finding_next_steps(finding: Finding, user: Any) -> dict[str, Any]:
    """The finding's referral and notice item as the user may open them, and which of the next
    steps (发起抄告, 下达整改通知) the user may take: the referral's own check for the sending
    body (``can_act``) and the rectification issuing check (``issuing_post``) — auditors and
    liaisons of another body see no button."""
    # The rectification sub-app sits on this app: import it when the page is built.
    from inspections.rectification.models import NoticeItem, NoticeStatus
    from inspections.rectification.services import issuing_post
    from supervision.referrals.models import Referral
    from supervision.referrals.services import can_act

    f: Any = finding
    referral = None
    if f.current_referral_id is not None:
        referral = (
            Referral.objects.visible_to(user)
            .select_related("from_department", "from_region", "to_department", "to_region")
            .filter(pk=f.current_referral_id)
            .first()
        )
    may_refer = False
    if f.awaiting_referral:
        if referral is not None:
            may_refer = referral.state == "draft" and can_act(user, referral, "send")
        elif f.current_referral_id is None:
            sender = Referral(
                from_department_id=f.found_by_department_id,
                from_region=services.finder_region(finding, user),
            )
            may_refer = can_act(user, sender, "send")
    items = NoticeItem.objects.visible_to(user).select_related("notice")
    item = items.filter(pk=f.current_notice_item_id).first() if f.current_notice_item_id else None
    draft = None
    if f.current_notice_item_id is None:
        draft = items.filter(finding=finding, notice__status=NoticeStatus.DRAFT).order_by("-pk").first()
    may_issue = (
        f.current_notice_item_id is None
        and f.rectification_progress == RectificationProgress.NO_NOTICE
        and issuing_post(user, finding.institution) is not None
    )
    return {
        "referral": referral,
        "may_refer": may_refer,
        "notice_item": item,
        "draft_item": draft,
        "may_issue": may_issue,
    }


@login_required
def finding_create(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":  # before the form is read
        policy.require_ever(request.user, Finding, "create")
    form = FindingForm(request.POST or None, user=request.user, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            finding = services.finding_create(
                data["institution"],
                data["domain"],
                actor=request.user,
                severity=data["severity"],
                description=data["description"],
                evidence_note=data["evidence_note"],
                rectification_required=data["rectification_required"],
                rectify_by=data["rectify_by"],
                responsible_person=data["responsible_person"],
            )
        except ValidationError as exc:
            for msg in exc.messages:
                form.add_error(None, msg)
        else:
            if finding.referral_required:
                messages.warning(
                    request,
                    _("该问题不属于本部门职责，已标记需抄告%(d)s。")
                    % {"d": finding.supervising_department.name},
                )
            else:
                messages.success(request, _("问题已登记。"))
            return redirect("inspections:finding_detail", pk=finding.pk)
    return render(request, "inspections/finding_form.html", {"form": form})
