"""The credit profile tab of the institution file (一户一档) and the badges credit decides:
watch-listed (重点关注名单) and credit grade D. Registered in ``CreditConfig.ready`` through the
institutions floor's registry (``institutions.dossier``), which cannot import this app."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from institutions.dossier import register_badge, register_other_documents, register_tab
from institutions.models import Institution

from .models import IN_FORCE_STATES, CreditGrade, CreditRecord, Grade, ListingProposal, ListType


def _watch_in_force(institution_ref: Any) -> QuerySet:
    on = timezone.localdate()
    return ListingProposal.objects.filter(
        institution=institution_ref,
        list_type=ListType.WATCH,
        state__in=IN_FORCE_STATES,
        term_starts__lte=on,
    ).filter(Q(permanent=True) | Q(term_ends__gte=on))


def with_watch(qs: QuerySet) -> QuerySet:
    return qs.annotate(badge_watch=Exists(_watch_in_force(OuterRef("pk"))))


def with_grade_d(qs: QuerySet) -> QuerySet:
    return qs.annotate(
        badge_grade_d=Exists(CreditGrade.objects.filter(institution=OuterRef("pk"), grade=Grade.D))
    )


def _records(user: Any, inst: Institution) -> Any:
    qs: Any = CreditRecord.objects.visible_to(user)
    return qs.filter(institution=inst)


def credit_count(user: Any, inst: Institution) -> int:
    return _records(user, inst).count()


def credit_render(request: Any, inst: Institution) -> tuple[str, dict[str, Any]]:
    user = request.user
    grade_qs: Any = CreditGrade.objects.visible_to(user)
    today = timezone.localdate()
    records = list(
        _records(user, inst).select_related("domain", "department").order_by("-effective_on", "-pk")
    )
    for r in records:
        r.in_force = (
            r.withdrawn_at is None
            and r.effective_on <= today
            and (  # type: ignore[attr-defined]
                r.expires_on is None or r.expires_on >= today
            )
        )
    return "institutions/file/credit.html", {
        "grade": grade_qs.filter(institution=inst).first(),
        "records": records,
        "restrictions": list(inst.restrictions.all()),
        "today": today,
    }


def register() -> None:
    register_badge("watch", "重点关注名单", "text-bg-warning", with_watch, order=20)
    register_badge("grade_d", "信用等级 D", "text-bg-danger", with_grade_d, order=40)
    register_tab("credit", "信用档案", 50, credit_count, credit_render)
    register_other_documents(decisions, describe_decision)


def decisions(user: Any, inst: Institution) -> QuerySet:
    """The decision documents (列入/不予列入/行业禁入决定书) issued about the institution."""
    qs: Any = ListingProposal.objects.visible_to(user)
    return (
        qs.filter(institution=inst, decision_pdf__isnull=False)
        .exclude(decision_number__isnull=True)
        .select_related("department")
        .defer("decision_pdf")
    )


def describe_decision(p: ListingProposal) -> dict[str, Any]:
    from django.urls import reverse

    return {
        "number": p.decision_number,
        "title": f"{p.get_list_type_display()}决定书",
        "issuer": p.department.name,
        "when": p.decided_on,
        "url": reverse("credit:decision_pdf", args=[p.pk]),
    }
