"""The institution file's tabs from the top floor (一户一档): inspections and results; findings,
rectification notices and their items; complaints (never the complainant's identity);
penalties and listings — and the official documents these procedures issued. Registered in
``InspectionsConfig.ready`` through ``institutions.dossier``. Every row through
``visible_to(user)``: a fire-rescue post sees only its remit's findings here."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, Q, QuerySet

from institutions.dossier import register_document_source, register_tab
from institutions.file_tabs import union_count
from institutions.models import Institution


def _visible(model: Any, user: Any, **filters: Any) -> Any:
    qs: Any = model.objects.visible_to(user)
    return qs.filter(**filters)


# --- inspections and results ---------------------------------------------------------------------


def _inspections(user: Any, inst: Institution) -> QuerySet:
    from .models import Inspection

    return _visible(Inspection, user, institution=inst)


def inspections_count(user: Any, inst: Institution) -> int:
    return _inspections(user, inst).count()


def inspections_render(request: Any, inst: Institution) -> tuple[str, dict[str, Any]]:
    from django.db.models import F

    rows = (
        _inspections(request.user, inst)
        .select_related("department", "plan")
        .order_by(F("inspected_on").desc(nulls_first=True), "-pk")
    )
    return "institutions/file/inspections.html", {"inspections": list(rows)}


# --- findings, notices and items -----------------------------------------------------------------


def _findings(user: Any, inst: Institution) -> QuerySet:
    from .models import Finding

    return _visible(Finding, user, institution=inst)


def _notices(user: Any, inst: Institution) -> QuerySet:
    from .rectification.models import RectificationNotice

    return _visible(RectificationNotice, user, institution=inst)


def findings_count(user: Any, inst: Institution) -> int:
    return union_count(_findings(user, inst), _notices(user, inst))


def findings_render(request: Any, inst: Institution) -> tuple[str, dict[str, Any]]:
    from .rectification.models import NoticeItem

    user = request.user
    findings = (
        _findings(user, inst).select_related("domain", "supervising_department").order_by("-found_on", "-pk")
    )
    visible_items: Any = NoticeItem.objects.visible_to(user)
    items = visible_items.with_clock().order_by("seq")
    notices = (
        _notices(user, inst)
        .select_related("issuing_department", "issuing_region")
        .prefetch_related(Prefetch("items", queryset=items, to_attr="visible_items"))
        .order_by("-pk")
    )
    return "institutions/file/findings.html", {"findings": list(findings), "notices": list(notices)}


# --- complaints ----------------------------------------------------------------------------------


def _complaints(user: Any, inst: Institution) -> QuerySet:
    from .complaints.models import Complaint

    return _visible(Complaint, user, institution=inst)


def complaints_count(user: Any, inst: Institution) -> int:
    return _complaints(user, inst).count()


def complaints_render(request: Any, inst: Institution) -> tuple[str, dict[str, Any]]:
    # Only what the handling needs: never the complainant's name, phone or the free text
    # (which may name them); the complaint's own page shows what the post may see.
    rows = (
        _complaints(request.user, inst)
        .select_related("handling_department", "handling_region", "domain")
        .only(
            "pk",
            "tracking_code",
            "channel",
            "category",
            "state",
            "outcome",
            "received_at",
            "feedback_due",
            "replied_at",
            "domain__name",
            "handling_department__name",
            "handling_region__name",
        )
        .order_by("-received_at", "-pk")
    )
    return "institutions/file/complaints.html", {"complaints": list(rows)}


# --- penalties and listings ----------------------------------------------------------------------


def _penalties(user: Any, inst: Institution) -> QuerySet:
    from .rectification.models import Penalty

    return _visible(Penalty, user, institution=inst)


def _proposals(user: Any, inst: Institution) -> QuerySet:
    from credit.models import ListingProposal

    return _visible(ListingProposal, user, institution=inst).defer("decision_pdf")


def penalties_count(user: Any, inst: Institution) -> int:
    return union_count(_penalties(user, inst), _proposals(user, inst))


def penalties_render(request: Any, inst: Institution) -> tuple[str, dict[str, Any]]:
    user = request.user
    penalties = _penalties(user, inst).select_related("department", "region").order_by("-decided_on", "-pk")
    proposals = _proposals(user, inst).select_related("department", "person").order_by("-created_at", "-pk")
    return "institutions/file/penalties.html", {"penalties": list(penalties), "proposals": list(proposals)}


# --- official documents --------------------------------------------------------------------------


def rectification_documents(user: Any, inst: Institution) -> Q | None:
    """Notices and suspension orders issued about the institution (their documents, and any
    document whose subject is one of them), as far as the user sees the procedure."""
    from .rectification.models import RectificationNotice, SuspensionOrder

    notices = _notices(user, inst)
    orders = _visible(SuspensionOrder, user, notice__institution=inst)
    types = ContentType.objects.get_for_models(RectificationNotice, SuspensionOrder)
    return (
        Q(pk__in=notices.exclude(document__isnull=True).values("document_id"))
        | Q(pk__in=orders.exclude(document__isnull=True).values("document_id"))
        | Q(content_type=types[RectificationNotice], object_id__in=notices.values("pk"))
        | Q(content_type=types[SuspensionOrder], object_id__in=orders.values("pk"))
    )


def register() -> None:
    register_tab("inspections", "检查与结果", 30, inspections_count, inspections_render)
    register_tab("findings", "问题隐患与整改", 40, findings_count, findings_render)
    register_tab("complaints", "投诉举报", 45, complaints_count, complaints_render)
    register_tab("penalties", "行政处罚与名单", 55, penalties_count, penalties_render)
    register_document_source(rectification_documents)
