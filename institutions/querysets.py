"""Reads of the registry: annotations the list, the API and the export share."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone

from .models import GradeRating, Institution, InstitutionRestriction, InstitutionRestrictionKind


def with_current_grade(qs: QuerySet[Institution]) -> QuerySet[Institution]:
    """Annotate ``current_grade``: the level of the latest rating still valid today (or None)."""
    latest = GradeRating.objects.filter(
        institution=OuterRef("pk"), valid_until__gte=timezone.localdate()
    ).order_by("-rated_on", "-pk")
    return qs.annotate(current_grade=Subquery(latest.values("level")[:1]))


def active_restrictions(institution_ref: Any, **filters: Any) -> QuerySet:
    """Restrictions in force today on the institution ``institution_ref`` (a pk or OuterRef)."""
    return InstitutionRestriction.objects.active_on(timezone.localdate()).filter(
        institution=institution_ref, **filters
    )


def with_listed(qs: QuerySet[Institution]) -> QuerySet[Institution]:
    """``badge_listed``: on the joint-punishment list today (the fact credit records here)."""
    return qs.annotate(
        badge_listed=Exists(
            active_restrictions(OuterRef("pk"), kind=InstitutionRestrictionKind.JOINT_PUNISHMENT)
        )
    )


def with_restricted(qs: QuerySet[Institution]) -> QuerySet[Institution]:
    """``badge_restricted``: another restriction in force today (e.g. no grade rating)."""
    return qs.annotate(
        badge_restricted=Exists(
            active_restrictions(OuterRef("pk")).exclude(kind=InstitutionRestrictionKind.JOINT_PUNISHMENT)
        )
    )


def with_badges(qs: QuerySet[Institution]) -> QuerySet[Institution]:
    """Every badge of the institution file (listed, watch-listed, restricted, grade D …) as
    ``badge_<key>`` annotations: one query for the whole list."""
    from .dossier import annotate_badges

    return annotate_badges(qs)


def institution_list_queryset() -> QuerySet[Institution]:
    return with_badges(with_current_grade(Institution.objects.select_related("region")))


def awaiting_filing_check(institution_ref: Any) -> QuerySet:
    """Live ``filing.onsite_check`` clocks on the institution(s) ``institution_ref`` (a pk,
    ``OuterRef`` or subquery)."""
    from django.contrib.contenttypes.models import ContentType

    from supervision.deadlines.models import LIVE_STATES, Deadline

    from .services import RULE_FILING_CHECK

    ct = ContentType.objects.get_for_model(Institution)
    lookup = "object_id__in" if isinstance(institution_ref, QuerySet) else "object_id"
    return Deadline.objects.filter(
        content_type=ct, rule__code=RULE_FILING_CHECK, state__in=LIVE_STATES, **{lookup: institution_ref}
    )
