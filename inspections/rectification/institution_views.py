"""The institution's pages of rectification (机构端, issue 17): its notices with their items and
due dates, the PDF, signing for a notice online (送达回证), its rectification report per item with
photos and documents, and the outcome of each acceptance; and its inspections and findings
(``/institution/record/inspections/``).

Thin, as the staff pages: reads through ``visible_to`` (an institution account sees its own
institution's rows only, so anything else is a 404), writes through the services, which ask the
write policy (``OWN_INSTITUTION``). Only what is the institution's to see is shown: issued
notices (never drafts), closed or published inspections (never a planned, unannounced one)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from credit.institution_forms import MultipleFileField
from credit.institution_views import paged, render_page
from inspections.models import Finding, Inspection, InspectionStatus
from supervision.core import policy
from supervision.core.institution_menu import require_institution_account
from supervision.core.scoping import ScopedQuerySet, get_visible_or_404
from supervision.files import store as files

from . import services
from .institution_models import NoticeReceipt, PenaltyRepairApplication, RepairAttachment, ResponseAttachment
from .models import (
    Acceptance,
    ItemResponse,
    NoticeItem,
    NoticeStatus,
    Penalty,
    PenaltyKind,
    RectificationNotice,
    earliest_early_end,
)


class ReportForm(forms.Form):
    """The institution's rectification report on one item."""

    action_taken = forms.CharField(
        label="整改措施及完成情况", widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"})
    )
    evidence_text = forms.CharField(
        label="佐证材料说明",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )
    evidence_files = MultipleFileField(
        label="整改照片或证明文件（JPEG、PNG、WebP 图片或 PDF，可多选）",
        error_messages={"required": "请上传整改后的照片或证明文件。"},
    )


class RepairForm(forms.Form):
    """The institution's application for credit repair (信用修复) of a penalty's publication."""

    statement = forms.CharField(
        label="申请理由（已履行处罚决定、完成整改等情况）",
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        error_messages={"required": "请填写申请理由。"},
    )
    attachments = MultipleFileField(label="证明材料（JPEG、PNG、WebP 图片或 PDF，可多选）", required=False)


def _notices(request: HttpRequest) -> ScopedQuerySet[RectificationNotice]:
    require_institution_account(request)
    return (
        RectificationNotice.objects.visible_to(request.user)
        .exclude(status=NoticeStatus.DRAFT)
        .select_related("issuing_department", "issuing_region", "institution")
    )


def _notice(request: HttpRequest, pk: int) -> RectificationNotice:
    return get_visible_or_404(_notices(request), request.user, pk=pk)


def _item(request: HttpRequest, pk: int) -> NoticeItem:
    require_institution_account(request)
    items = NoticeItem.objects.exclude(notice__status=NoticeStatus.DRAFT).select_related(
        "notice__issuing_department", "notice__issuing_region", "notice__institution"
    )
    return get_visible_or_404(items.with_clock(), request.user, pk=pk)


@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    """整改通知: every notice issued to the institution, newest first, with what is still open."""
    notices = _notices(request).prefetch_related("items").order_by("-issued_on", "-pk")
    receipts = set(NoticeReceipt.objects.filter(notice__in=notices).values_list("notice_id", flat=True))
    pages = paged(request, notices)
    for notice in pages["page_obj"]:
        items = list(notice.items.all())
        notice.open_count = sum(1 for i in items if i.is_open)  # type: ignore[attr-defined]
        notice.item_count = len(items)  # type: ignore[attr-defined]
        notice.signed = notice.pk in receipts  # type: ignore[attr-defined]
    return render_page(request, "rectification/institution/notice_list.html", **pages)


@login_required
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _notice(request, pk)
    items = list(notice.items.with_clock().order_by("seq"))
    return render_page(
        request,
        "rectification/institution/notice_detail.html",
        notice=notice,
        items=items,
        receipt=NoticeReceipt.objects.filter(notice=notice).first(),
    )


@login_required
def notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The issued notice's PDF, as staff download it (the document view records the export)."""
    notice = _notice(request, pk)
    if notice.document_id is None:
        raise Http404("未找到通知书文件")
    from supervision.documents.views import download

    return download(request, notice.document_id)


@login_required
@require_POST
def notice_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _notice(request, pk)
    try:
        receipt = services.notice_acknowledge(notice, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已签收整改通知书，签收时间 {receipt.received_at:%Y-%m-%d %H:%M}。")
    return redirect("institution_notices:notice_detail", pk=pk)


def _item_page(request: HttpRequest, item: NoticeItem, form: ReportForm | None = None) -> HttpResponse:
    responses = list(
        ItemResponse.objects.visible_to(request.user)
        .filter(item=item)
        .prefetch_related(Prefetch("attachments", queryset=ResponseAttachment.objects.order_by("pk")))
        .order_by("round", "pk")
    )
    return render_page(
        request,
        "rectification/institution/item_detail.html",
        item=item,
        notice=item.notice,
        responses=responses,
        acceptances=list(Acceptance.objects.filter(item=item).order_by("signed_at", "pk")),
        signed=NoticeReceipt.objects.filter(notice_id=item.notice_id).exists(),
        form=form or ReportForm(),
    )


@login_required
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _item_page(request, _item(request, pk))


@login_required
@require_POST
def item_report(request: HttpRequest, pk: int) -> HttpResponse:
    """报送整改情况: the report with its photos and documents (private file store)."""
    item = _item(request, pk)
    policy.require(request.user, item, "respond")  # before the input is read
    form = ReportForm(request.POST, request.FILES)
    if form.is_valid():
        first, *more = form.cleaned_data["evidence_files"]
        try:
            services.item_respond(
                item,
                actor=request.user,
                action_taken=form.cleaned_data["action_taken"],
                evidence_text=form.cleaned_data["evidence_text"],
                evidence_name=first.name,
                evidence_data=first,
                attachments=[(f.name, f) for f in more],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errs in exc.message_dict.items():
                    form.add_error("evidence_files" if field == "evidence_file" else None, errs)
            else:
                form.add_error(None, "；".join(exc.messages))
        else:
            messages.success(request, "已报送整改情况，待主管部门复查验收。")
            return redirect("institution_notices:item_detail", pk=pk)
    response = _item_page(request, item, form)
    response.status_code = 400
    return response


@login_required
def response_evidence(request: HttpRequest, pk: int) -> FileResponse:
    """The report's first evidence file (its own institution's only: 404 otherwise)."""
    require_institution_account(request)
    response = get_visible_or_404(ItemResponse.objects.all(), request.user, pk=pk)
    if not response.evidence_path:
        raise Http404("未找到文件")
    return files.download(response.evidence_path, filename=response.evidence_name or "evidence")


@login_required
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    require_institution_account(request)
    row = get_visible_or_404(ResponseAttachment.objects.all(), request.user, pk=pk)
    return files.download(row.path, filename=row.name)


# --- its record: inspections and findings ------------------------------------------------------

SHOWN_INSPECTIONS = (InspectionStatus.CLOSED, InspectionStatus.PUBLISHED)


@login_required
def record_inspections(
    request: HttpRequest, repair_form: RepairForm | None = None, repair_penalty: int | None = None
) -> HttpResponse:
    """检查记录: the institution's finished inspections with their results (the public summary
    once published), its findings, and its administrative penalties with their publication
    period and when credit repair (信用修复) may end it early. A planned or ongoing inspection
    (possibly unannounced) is never shown."""
    require_institution_account(request)
    inspections = (
        Inspection.objects.visible_to(request.user)
        .filter(status__in=SHOWN_INSPECTIONS)
        .select_related("department")
        .order_by("-inspected_on", "-pk")
    )
    findings = (
        Finding.objects.visible_to(request.user)
        .filter(Q(inspection__isnull=True) | Q(inspection__status__in=SHOWN_INSPECTIONS))
        .select_related("domain", "supervising_department")
        .order_by("-found_on", "-pk")
    )
    penalties = list(
        Penalty.objects.visible_to(request.user).select_related("department").order_by("-decided_on")
    )
    applications = PenaltyRepairApplication.objects.visible_to(request.user).prefetch_related("attachments")
    latest: dict[int, PenaltyRepairApplication] = {}
    for a in applications.order_by("filed_at", "pk"):
        latest[a.penalty_id] = a
    for p in penalties:
        # 信用修复: a penalty other than a warning may leave the public pages early on application
        p.repair_from = None if p.kind == PenaltyKind.WARNING else earliest_early_end(p.decided_on)  # type: ignore[attr-defined]
        p.repair_application = latest.get(p.pk)  # type: ignore[attr-defined]
        p.may_apply = not services.repair_refusal(p)  # type: ignore[attr-defined]
    return render_page(
        request,
        "rectification/institution/record_inspections.html",
        penalties=penalties,
        today=timezone.localdate(),
        repair_form=repair_form or RepairForm(),
        repair_penalty=repair_penalty,
        **paged(request, inspections),
        findings=findings[:200],
    )


@login_required
@require_POST
def penalty_repair_apply(request: HttpRequest, pk: int) -> HttpResponse:
    """申请信用修复: the institution applies for the early end of its penalty's publication."""
    require_institution_account(request)
    penalty = get_visible_or_404(Penalty.objects.all(), request.user, pk=pk)
    policy.require(
        request.user,
        PenaltyRepairApplication,
        "apply",
        institution=penalty.institution,
        region=penalty.institution.region,
        department=penalty.department,
    )  # before the input is read
    form = RepairForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.repair_apply(
                penalty,
                actor=request.user,
                statement=form.cleaned_data["statement"],
                attachments=[(f.name, f) for f in form.cleaned_data["attachments"] or []],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errs in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errs)
            else:
                form.add_error(None, "；".join(exc.messages))
        else:
            messages.success(request, "已提交信用修复申请，待处罚机关审核。")
            return redirect("institution_notices:record_inspections")
    response = record_inspections(request, repair_form=form, repair_penalty=penalty.pk)
    response.status_code = 400
    return response


@login_required
def repair_attachment(request: HttpRequest, pk: int) -> FileResponse:
    require_institution_account(request)
    row = get_visible_or_404(RepairAttachment.objects.all(), request.user, pk=pk)
    return files.download(row.path, filename=row.name)
