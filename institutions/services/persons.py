"""Persons in the registry (matched by the keyed hash of the ID number), the restrictions
recorded on them and on institutions (decided elsewhere: the credit app, a court), and the
appointment of legal representatives and principals, which those restrictions bar."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from supervision.core import policy

from ..models import (
    Institution,
    InstitutionRestriction,
    Person,
    PersonRestriction,
    PersonRestrictionKind,
    Post,
)
from ..personal import id_hash, mask_id
from ..validators import explain_id_number, normalise_id_number
from .common import _create, _save


def person_for(name: str, id_number: str) -> Person:
    """The registry person with this ID number (matched by keyed hash), created if new."""
    message = explain_id_number(id_number)
    if message:
        raise ValidationError({"id_number": message})
    number = normalise_id_number(id_number)
    person, _created = Person.objects.get_or_create(
        id_hash=id_hash(id_number),
        defaults={"name": name.strip(), "id_masked": mask_id(id_number), "id_number": number},
    )
    if not person.id_number:  # recorded before numbers were kept (encrypted)
        person.id_number = number
        person.save(update_fields=["id_number"])
    return person


# Which restrictions bar which posts: an industry ban bars every post; a joint-punishment
# listing bars legal representative and principal (民发〔2019〕103号).
BARRING_KINDS: dict[str, tuple[str, ...]] = {
    Post.LEGAL_REPRESENTATIVE: (PersonRestrictionKind.INDUSTRY_BAN, PersonRestrictionKind.JOINT_PUNISHMENT),
    Post.PRINCIPAL: (PersonRestrictionKind.INDUSTRY_BAN, PersonRestrictionKind.JOINT_PUNISHMENT),
    "staff": (PersonRestrictionKind.INDUSTRY_BAN,),
}
POST_LABELS = {Post.LEGAL_REPRESENTATIVE: "法定代表人", Post.PRINCIPAL: "主要负责人", "staff": "从业人员"}


def ensure_not_restricted(person: Person, post: str, on: dt.date) -> None:
    """Refuse, with a clear message, a person barred from ``post`` on ``on``."""
    hit = (
        PersonRestriction.objects.filter(person=person, kind__in=BARRING_KINDS[post])
        .active_on(on)
        .order_by("-permanent", "-starts_on")
        .first()
    )
    if hit is not None:
        raise ValidationError(
            f"{person.name}（身份证号 {person.id_masked}）因“{hit.get_kind_display()}”"
            f"（{hit.term_display()}，依据：{hit.source}）不得担任{POST_LABELS[post]}。",
            code="person_restricted",
        )


def person_restrict(
    *,
    actor: Any,
    kind: str,
    source: str,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    permanent: bool = False,
    note: str = "",
    person: Person | None = None,
    name: str = "",
    id_number: str = "",
) -> PersonRestriction:
    """Record a restriction decided elsewhere (the credit app, a court) on a person, given either
    the registry ``person`` (the credit app holds only hashes) or a name and clear ID number."""
    with transaction.atomic():
        policy.require(actor, person if person is not None else Person, "restrict")
        if person is None and not id_number:
            raise ValidationError({"id_number": "请填写身份证号码。"})
        if not permanent and ends_on is None:
            raise ValidationError({"ends_on": "请填写截止日期，或勾选终身/永久。"})
        if ends_on is not None and ends_on < starts_on:
            raise ValidationError({"ends_on": "截止日期不能早于起始日期。"})
        if person is None:
            person = person_for(name, id_number)
        existing = PersonRestriction.objects.filter(
            person=person, kind=kind, source=source, starts_on=starts_on, lifted_on__isnull=True
        ).first()
        if existing is not None:
            return existing
        restriction = PersonRestriction(
            person=person,
            kind=kind,
            source=source,
            starts_on=starts_on,
            ends_on=None if permanent else ends_on,
            permanent=permanent,
            note=note,
        )
        _create(restriction, actor, "restrict")
        return restriction


def institution_restrict(
    inst: Institution,
    *,
    actor: Any,
    kind: str,
    source: str,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    permanent: bool = False,
    note: str = "",
) -> InstitutionRestriction:
    """Record an institution-level restriction (e.g. listed for joint punishment)."""
    with transaction.atomic():
        policy.require(actor, inst, "restrict")
        if not permanent and ends_on is None:
            raise ValidationError({"ends_on": "请填写截止日期，或勾选终身/永久。"})
        existing = InstitutionRestriction.objects.filter(
            institution=inst, kind=kind, source=source, starts_on=starts_on, lifted_on__isnull=True
        ).first()
        if existing is not None:
            return existing
        restriction = InstitutionRestriction(
            institution=inst,
            kind=kind,
            source=source,
            starts_on=starts_on,
            ends_on=None if permanent else ends_on,
            permanent=permanent,
            note=note,
        )
        _create(restriction, actor, "restrict")
        return restriction


def restriction_lift(
    restriction: PersonRestriction | InstitutionRestriction, *, actor: Any, lifted_on: dt.date, reason: str
) -> PersonRestriction | InstitutionRestriction:
    """Lift a restriction early (e.g. removal from the list after credit repair)."""
    with transaction.atomic():
        locked = type(restriction).objects.select_for_update().get(pk=restriction.pk)
        policy.require(actor, locked, "lift")
        if locked.lifted_on is not None:
            return locked
        before = {"lifted_on": None, "lift_reason": locked.lift_reason}
        locked.lifted_on = lifted_on
        locked.lift_reason = reason
        _save(locked, actor, "lift", before)
        return locked


def appointment_make(
    inst: Institution, *, actor: Any, post: str, name: str, id_number: str, started_on: dt.date
) -> Any:
    """Appoint the legal representative or principal; the previous holder's term ends."""
    from ..models import Appointment

    with transaction.atomic():
        locked = Institution.objects.select_for_update().get(pk=inst.pk)
        policy.require(actor, locked, "keep")
        person = person_for(name, id_number)
        ensure_not_restricted(person, post, started_on)
        current = locked.appointments.filter(post=post, ended_on__isnull=True).select_related("person")
        for old in current:
            if old.person_id == person.pk:
                return old
            before = {"ended_on": old.ended_on}
            old.ended_on = started_on
            _save(old, actor, "appointment_end", before)
        appointment = Appointment(institution=locked, person=person, post=post, started_on=started_on)
        _create(appointment, actor, "appoint")
        field = "legal_representative" if post == Post.LEGAL_REPRESENTATIVE else "principal"
        before_name = {field: getattr(locked, field)}
        setattr(locked, field, person.name)
        if before_name[field] != person.name:
            _save(locked, actor, "appoint", before_name)
    return appointment
