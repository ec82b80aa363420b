"""The registry's own tabs of the institution file (一户一档), registered in ``ready``.

Each tab: a count (one query, through ``visible_to``) and a render returning the partial under
``templates/institutions/file/`` with its context. A tab's rows are its tables' body rows, so the
count on the tab equals what the tab shows (tests/dossier/).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from supervision.core import policy

from .dossier import documents_q, other_documents, register_tab
from .history import field_label, readable_history
from .models import (
    Appointment,
    Certificate,
    Drill,
    EmergencyPlan,
    ExitPlan,
    Filing,
    GradeRating,
    IncidentReport,
    Institution,
    InstitutionRestriction,
    OnsiteCheck,
    PersonRestriction,
    Recipient,
    Staff,
    TrainingRecord,
)

HISTORY_LIMIT = 200


def union_count(*querysets: QuerySet) -> int:
    """The number of rows of several tables, in one query."""
    first, *rest = (qs.order_by().values("pk") for qs in querysets)
    return first.union(*rest, all=True).count() if rest else first.count()


# --- basic data, disclosure, filings -------------------------------------------------------------


def basic_count(user: Any, inst: Institution) -> int:
    return union_count(Filing.objects.filter(institution=inst), OnsiteCheck.objects.filter(institution=inst))


def basic_render(request: Any, inst: Institution) -> tuple[str, dict[str, Any]]:
    filings = list(inst.filings.all())
    for filing in filings:
        filing.change_rows = [  # type: ignore[attr-defined]
            (field_label(Institution, name), before, after)
            for name, (before, after) in (filing.changes or {}).items()
        ]
    return "institutions/file/basic.html", {
        "filings": filings,
        "onsite_checks": list(inst.onsite_checks.all()),
    }


# --- staff and certificates ----------------------------------------------------------------------


def staff_count(user: Any, inst: Institution) -> int:
    return inst.staff.count()


def staff_render(request: Any, inst: Institution) -> tuple[str, dict[str, Any]]:
    staff = list(
        inst.staff.select_related("person")
        .prefetch_related("certificates", "trainings")
        .order_by("left_on", "role", "pk")
    )
    appointments = list(inst.appointments.select_related("person"))
    person_ids = {s.person_id for s in staff if s.left_on is None} | {
        a.person_id for a in appointments if a.ended_on is None
    }
    person_restrictions = list(
        PersonRestriction.objects.filter(person_id__in=person_ids)
        .active_on(timezone.localdate())
        .select_related("person")
    )
    return "institutions/file/staff.html", {
        "staff": staff,
        "appointments": appointments,
        "person_restrictions": person_restrictions,
        "can_keep_registry": policy.can(request.user, inst, "keep"),
    }


# --- grade ratings -------------------------------------------------------------------------------


def ratings_count(user: Any, inst: Institution) -> int:
    return inst.ratings.count()


def ratings_render(request: Any, inst: Institution) -> tuple[str, dict[str, Any]]:
    return "institutions/file/ratings.html", {
        "ratings": list(inst.ratings.all()),
        "can_keep_registry": policy.can(request.user, inst, "keep"),
    }


# --- emergency plans, drills, incidents, exits ---------------------------------------------------


def safety_count(user: Any, inst: Institution) -> int:
    return union_count(
        EmergencyPlan.objects.filter(institution=inst),
        Drill.objects.filter(institution=inst),
        IncidentReport.objects.filter(institution=inst),
        ExitPlan.objects.filter(institution=inst),
    )


def incidents_with_labels(qs: Any) -> list[Any]:
    """Incident reports with the Chinese names of the departments told and of those that
    should have been told but were not."""
    out = []
    for report in qs:
        report.reported_labels = [
            str(Recipient(r).label) for r in report.reported_to if r in Recipient.values
        ]
        report.missing_labels = [str(Recipient(r).label) for r in report.missing_recipients]
        out.append(report)
    return out


def safety_render(request: Any, inst: Institution) -> tuple[str, dict[str, Any]]:
    return "institutions/file/safety.html", {
        "plans": list(inst.emergency_plans.all()),
        "drills": list(inst.drills.all()),
        "incidents": incidents_with_labels(inst.incidents.all()),
        "exits": list(inst.exits.all()),
        "can_report": policy.can(request.user, inst, "report"),
    }


# --- clocks --------------------------------------------------------------------------------------


def _deadlines(user: Any, inst: Institution) -> Any:
    from supervision.deadlines.services import open_deadlines_for

    # Only the clocks this user may open (another department's clocks would answer 404).
    return cast(Any, open_deadlines_for(inst)).visible_to(user)


def clocks_count(user: Any, inst: Institution) -> int:
    return _deadlines(user, inst).count()


def clocks_render(request: Any, inst: Institution) -> tuple[str, dict[str, Any]]:
    return "institutions/file/clocks.html", {
        "deadlines": list(_deadlines(request.user, inst).select_related("rule"))
    }


# --- referrals -----------------------------------------------------------------------------------


def _referrals(user: Any, inst: Institution) -> QuerySet:
    from supervision.referrals.models import Referral

    about = (
        Q(credit_code=inst.credit_code) if inst.credit_code else Q(credit_code="", institution_name=inst.name)
    )
    return cast(Any, Referral.objects).visible_to(user).filter(about)


def referrals_count(user: Any, inst: Institution) -> int:
    return _referrals(user, inst).count()


def referrals_render(request: Any, inst: Institution) -> tuple[str, dict[str, Any]]:
    rows = _referrals(request.user, inst).select_related(
        "from_department", "from_region", "to_department", "to_region", "domain"
    )
    return "institutions/file/referrals.html", {"referrals": list(rows.order_by("-created_at", "-pk"))}


# --- official documents --------------------------------------------------------------------------


def _documents(user: Any, inst: Institution) -> QuerySet | None:
    from supervision.documents.models import OfficialDocument

    q = documents_q(user, inst)
    if q is None:
        return None
    return OfficialDocument.objects.filter(q).defer("pdf")


def documents_count(user: Any, inst: Institution) -> int:
    qs = _documents(user, inst)
    total = qs.count() if qs is not None else 0
    return total + sum(rows(user, inst).count() for rows, _describe in other_documents())


def documents_render(request: Any, inst: Institution) -> tuple[str, dict[str, Any]]:
    qs = _documents(request.user, inst)
    rows: list[dict[str, Any]] = []
    if qs is not None:
        for d in qs.select_related("department", "region"):
            rows.append(
                {
                    "number": d.number,
                    "title": d.title,
                    "issuer": f"{d.region.name}{d.department.name}",
                    "when": timezone.localdate(d.created_at),
                    "url": reverse("documents:download", args=[d.pk]),
                }
            )
    for source, describe in other_documents():
        rows.extend(describe(obj) for obj in source(request.user, inst))
    rows.sort(key=lambda r: r["when"] or dt.date.min, reverse=True)
    return "institutions/file/documents.html", {"documents": rows}


def referral_letters(user: Any, inst: Institution) -> Q | None:
    """Referral letters (抄告函) about the institution that the user may see."""
    return Q(pk__in=_referrals(user, inst).exclude(letter__isnull=True).values("letter_id"))


# --- history -------------------------------------------------------------------------------------


RELATED_MODELS: tuple[type[Model], ...] = (
    Filing,
    OnsiteCheck,
    Staff,
    Appointment,
    GradeRating,
    EmergencyPlan,
    Drill,
    IncidentReport,
    ExitPlan,
    InstitutionRestriction,
)


def _history(inst: Institution) -> QuerySet:
    from auditlog.models import LogEntry

    types = ContentType.objects.get_for_models(Institution, Certificate, TrainingRecord, *RELATED_MODELS)
    history = Q(content_type=types[Institution], object_id=inst.pk)
    for model in RELATED_MODELS:
        ids = model._default_manager.filter(institution=inst).values("pk")
        history |= Q(content_type=types[model], object_id__in=ids)
    history |= Q(
        content_type=types[Certificate],
        object_id__in=Certificate.objects.filter(staff__institution=inst).values("pk"),
    )
    history |= Q(
        content_type=types[TrainingRecord],
        object_id__in=TrainingRecord.objects.filter(staff__institution=inst).values("pk"),
    )
    return LogEntry.objects.filter(history)


def history_count(user: Any, inst: Institution) -> int:
    return min(_history(inst).count(), HISTORY_LIMIT)


def history_render(request: Any, inst: Institution) -> tuple[str, dict[str, Any]]:
    entries = _history(inst).select_related("actor", "content_type").order_by("-timestamp", "-pk")
    return "institutions/file/history.html", {
        "history": readable_history(entries[:HISTORY_LIMIT]),
        "limit": HISTORY_LIMIT,
    }


def register() -> None:
    from .dossier import register_badge, register_document_source
    from .querysets import with_listed, with_restricted

    register_tab("basic", "基本信息与备案", 10, basic_count, basic_render)
    register_tab("staff", "从业人员与证书", 20, staff_count, staff_render)
    register_tab("ratings", "等级评定", 25, ratings_count, ratings_render)
    register_tab("safety", "演练、突发事件与退出", 80, safety_count, safety_render)
    register_tab("referrals", "抄告", 60, referrals_count, referrals_render)
    register_tab("documents", "文书", 90, documents_count, documents_render)
    register_tab("clocks", "期限", 95, clocks_count, clocks_render)
    register_tab("history", "变更历史", 200, history_count, history_render)
    register_badge("listed", "失信联合惩戒名单", "text-bg-danger", with_listed, order=10)
    register_badge("restricted", "限制措施", "text-bg-warning", with_restricted, order=30)
    register_document_source(referral_letters)
