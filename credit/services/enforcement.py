"""Restrictions decided here, recorded in the registry through institutions services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from institutions.models import (
    Appointment,
    InstitutionRestriction,
    InstitutionRestrictionKind,
    Person,
    PersonRestriction,
    PersonRestrictionKind,
    Post,
)

from ..models import (
    ListingProposal,
    ListType,
)

# --- restrictions in the registry ------------------------------------------------------------


def _source(p: ListingProposal) -> str:
    return f"{ListType(p.list_type).label}决定 {p.decision_number}"


def _person_restrict(person: Person, *, actor: Any, kind: str, p: ListingProposal, note: str) -> None:
    """Record a person restriction through the registry's service (the registry refuses
    appointments of restricted persons itself)."""
    from institutions import services as reg

    assert p.term_starts is not None
    reg.person_restrict(
        person=person,
        actor=actor,
        kind=kind,
        source=_source(p),
        starts_on=p.term_starts,
        ends_on=p.term_ends,
        permanent=p.permanent,
        note=note,
    )


def _record_restrictions(p: ListingProposal, actor: Any) -> None:
    from institutions import services as reg

    assert p.term_starts is not None
    if p.list_type == ListType.INDUSTRY_BAN:
        assert p.person is not None
        _person_restrict(
            p.person, actor=actor, kind=PersonRestrictionKind.INDUSTRY_BAN, p=p, note=p.get_ground_display()
        )
        return
    if p.list_type == ListType.WATCH:
        return  # lighter consequences: key supervision (risk) and flags only
    reg.institution_restrict(
        p.institution,
        actor=actor,
        kind=InstitutionRestrictionKind.JOINT_PUNISHMENT,
        source=_source(p),
        starts_on=p.term_starts,
        ends_on=p.term_ends,
        permanent=False,
        note=p.get_ground_display(),
    )
    holders = Appointment.objects.filter(
        institution=p.institution, ended_on__isnull=True, post__in=[Post.LEGAL_REPRESENTATIVE, Post.PRINCIPAL]
    ).select_related("person")
    for person in {a.person for a in holders}:
        _person_restrict(
            person,
            actor=actor,
            kind=PersonRestrictionKind.JOINT_PUNISHMENT,
            p=p,
            note=f"{p.institution.name}列入失信联合惩戒对象名单期间，不得担任其他养老服务机构的法定代表人或主要负责人",
        )


def _lift_restrictions(p: ListingProposal, actor: Any, on: dt.date, reason: str) -> None:
    from institutions import services as reg

    source = _source(p)
    for r in [
        *InstitutionRestriction.objects.filter(source=source, lifted_on__isnull=True),
        *PersonRestriction.objects.filter(source=source, lifted_on__isnull=True),
    ]:
        reg.restriction_lift(r, actor=actor, lifted_on=on, reason=reason)


# --- matching persons across institutions ----------------------------------------------------


def person_matches(institution: Any, on: dt.date | None = None, *, user: Any = None) -> list[dict[str, Any]]:
    """The institution's current legal representative, principal and staff who are restricted
    (listed or banned, wherever decided) or named in a credit record of another institution —
    matched by the keyed hash of the ID number, shown with the masked number only.

    Restrictions are registry facts that bind everywhere, so they are always shown. Credit
    records of other institutions are shown only where ``user`` may see them (their region and
    remit); the others are counted (``hidden``), so the match is known without the details."""
    from institutions.models import Staff

    from ..models import CreditRecord
    from .common import today

    on = on or today()
    holders: list[tuple[str, Person]] = [
        (a.get_post_display(), a.person)
        for a in Appointment.objects.filter(institution=institution, ended_on__isnull=True).select_related(
            "person"
        )
    ]
    holders += [
        (f"从业人员（{s.get_role_display()}）", s.person)
        for s in Staff.objects.filter(institution=institution, left_on__isnull=True).select_related("person")
    ]
    if not holders:
        return []
    people = {p.pk: p for _post, p in holders}
    restrictions: dict[int, list[PersonRestriction]] = {}
    for r in PersonRestriction.objects.filter(person_id__in=people).active_on(on).order_by("starts_on"):
        restrictions.setdefault(r.person_id, []).append(r)
    by_hash = {p.id_hash: p.pk for p in people.values()}
    records: dict[int, list[CreditRecord]] = {}
    hidden: dict[int, int] = {}
    matched = CreditRecord.objects.filter(person_id_hash__in=by_hash, withdrawn_at__isnull=True).exclude(
        institution=institution
    )
    visible_ids = (
        None
        if user is None
        else set(
            CreditRecord.objects.visible_to(user)
            .filter(pk__in=matched.values("pk"))
            .values_list("pk", flat=True)
        )
    )
    for rec in matched.select_related("institution").order_by("-effective_on"):
        key = by_hash[rec.person_id_hash]
        if visible_ids is not None and rec.pk not in visible_ids:
            hidden[key] = hidden.get(key, 0) + 1
            continue
        records.setdefault(key, []).append(rec)
    out = []
    for post, person in holders:
        if person.pk in restrictions or person.pk in records or person.pk in hidden:
            out.append(
                {
                    "post": post,
                    "name": person.name,
                    "id_masked": person.id_masked,
                    "restrictions": restrictions.get(person.pk, []),
                    "records": records.get(person.pk, []),
                    "hidden": hidden.get(person.pk, 0),
                }
            )
    return out
