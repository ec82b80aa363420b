"""Persons are matched by a keyed hash of the ID number; a ban recorded once blocks the
person at every institution; ID numbers are only ever shown masked."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from institutions import services
from institutions.models import Person, PersonRestrictionKind, Post, StaffRole
from tests.institutions.factories import id_number

pytestmark = pytest.mark.django_db
D = dt.date(2026, 5, 6)
ID = id_number(123)


def ban(world, kind=PersonRestrictionKind.INDUSTRY_BAN, **term):
    term = term or {"permanent": True}
    return services.person_restrict(
        actor=world.sysadmin,
        name="王某",
        id_number=ID,
        kind=kind,
        source="阳民罚〔2026〕3号",
        starts_on=dt.date(2026, 1, 1),
        **term,
    )


def test_id_number_is_stored_hashed_and_masked(world):
    person = services.person_for("王某", ID)
    assert person.id_masked == ID[:4] + "*" * 10 + ID[-4:]
    assert ID not in person.id_hash and len(person.id_hash) == 64
    assert not Person.objects.filter(id_masked=ID).exists()


def test_invalid_id_number_is_refused_with_reason(world):
    bad = ID[:-1] + ("0" if ID[-1] != "0" else "1")
    with pytest.raises(ValidationError) as exc:
        services.person_for("王某", bad)
    assert "校验码错误" in str(exc.value)


def test_industry_ban_blocks_every_post_at_any_institution(world, yanggu_home, dongchangfu_home):
    ban(world)
    for inst, actor in ((yanggu_home, world.yanggu_mz), (dongchangfu_home, world.dongchangfu_mz)):
        with pytest.raises(ValidationError) as exc:
            services.staff_appoint(
                inst, actor=actor, name="王某", id_number=ID, role=StaffRole.CAREGIVER, hired_on=D
            )
        assert "行业禁入" in exc.value.messages[0] and "从业人员" in exc.value.messages[0]
        assert ID[:4] + "**********" + ID[-4:] in exc.value.messages[0]
        for post in Post.values:
            with pytest.raises(ValidationError):
                services.appointment_make(
                    inst, actor=actor, post=post, name="王某", id_number=ID, started_on=D
                )
    assert not yanggu_home.staff.exists() and not dongchangfu_home.appointments.exists()


def test_ban_matches_by_id_not_by_name(world, yanggu_home):
    ban(world)
    # Same ID with the ID number written in lower case x / spaces, different name: still the same person.
    with pytest.raises(ValidationError):
        services.staff_appoint(
            yanggu_home,
            actor=world.yanggu_mz,
            name="王小某",
            id_number=f" {ID} ",
            role="caregiver",
            hired_on=D,
        )
    # Same name, different ID: someone else.
    staff = services.staff_appoint(
        yanggu_home,
        actor=world.yanggu_mz,
        name="王某",
        id_number=id_number(124),
        role="caregiver",
        hired_on=D,
    )
    assert staff.pk


def test_joint_punishment_listing_bars_leadership_but_not_staff(world, yanggu_home):
    ban(world, kind=PersonRestrictionKind.JOINT_PUNISHMENT, ends_on=dt.date(2028, 12, 31))
    with pytest.raises(ValidationError) as exc:
        services.appointment_make(
            yanggu_home,
            actor=world.yanggu_mz,
            post=Post.LEGAL_REPRESENTATIVE,
            name="王某",
            id_number=ID,
            started_on=D,
        )
    assert "失信联合惩戒对象" in exc.value.messages[0] and "法定代表人" in exc.value.messages[0]
    assert services.staff_appoint(
        yanggu_home, actor=world.yanggu_mz, name="王某", id_number=ID, role="caregiver", hired_on=D
    )


def test_expired_or_lifted_restriction_no_longer_blocks(world, yanggu_home):
    r = ban(world, ends_on=dt.date(2026, 3, 31))
    services.staff_appoint(
        yanggu_home, actor=world.yanggu_mz, name="王某", id_number=ID, role="caregiver", hired_on=D
    )
    r2 = ban(world, kind=PersonRestrictionKind.JOINT_PUNISHMENT, permanent=True)
    services.restriction_lift(r2, actor=world.sysadmin, lifted_on=dt.date(2026, 4, 1), reason="信用修复")
    appointment = services.appointment_make(
        yanggu_home, actor=world.yanggu_mz, post=Post.PRINCIPAL, name="王某", id_number=ID, started_on=D
    )
    yanggu_home.refresh_from_db()
    assert yanggu_home.principal == "王某" and appointment.person.restrictions.count() == 2
    assert r.is_active(D) is False


def test_term_required_unless_permanent(world):
    with pytest.raises(ValidationError) as exc:
        services.person_restrict(
            actor=world.sysadmin, name="王某", id_number=ID, kind="industry_ban", source="x", starts_on=D
        )
    assert "截止日期" in str(exc.value)


def test_certified_roles_need_a_valid_certificate(world, yanggu_home):
    with pytest.raises(ValidationError) as exc:
        services.staff_appoint(
            yanggu_home,
            actor=world.yanggu_mz,
            name="李某",
            id_number=id_number(5),
            role=StaffRole.FIRE_SAFETY,
            hired_on=D,
        )
    assert "消防管理人员须持有相应资格证书" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.staff_appoint(
            yanggu_home,
            actor=world.yanggu_mz,
            name="李某",
            id_number=id_number(5),
            role=StaffRole.MEDICAL,
            hired_on=D,
            certificate={"name": "护士执业证书", "expires_on": dt.date(2026, 1, 1)},
        )
    assert "过期" in str(exc.value)
    staff = services.staff_appoint(
        yanggu_home,
        actor=world.yanggu_mz,
        name="李某",
        id_number=id_number(5),
        role=StaffRole.MEDICAL,
        hired_on=D,
        certificate={"name": "护士执业证书", "number": "2026001", "expires_on": dt.date(2031, 1, 1)},
    )
    assert staff.certificates.get().name == "护士执业证书"
    assert services.staff_missing_certificates(on=dt.date(2032, 1, 1)) == [staff]


def test_staff_and_appointment_pages_refuse_a_banned_person(world, client_for, yanggu_home):
    ban(world)
    c = client_for(world.yanggu_mz)
    form = {"name": "王某", "id_number": ID, "role": "caregiver", "hired_on": "2026-05-06", "skill_level": ""}
    page = c.post(f"/institutions/{yanggu_home.pk}/staff/new/", form)
    assert page.status_code == 200  # back to the form with the reason
    body = page.content.decode()
    assert "行业禁入" in body and "不得担任从业人员" in body
    assert ID[:4] + "**********" + ID[-4:] in body  # the reason names the person masked
    page = c.post(
        f"/institutions/{yanggu_home.pk}/appointment/",
        {"name": "王某", "id_number": ID, "post": "principal", "started_on": "2026-05-06"},
    )
    assert "不得担任主要负责人" in page.content.decode()
    assert not yanggu_home.staff.exists() and not yanggu_home.appointments.exists()

    other = {**form, "name": "赵丽", "id_number": id_number(7)}
    ok = c.post(f"/institutions/{yanggu_home.pk}/staff/new/", other)
    assert ok.status_code == 302 and ok["Location"].endswith(f"/institutions/{yanggu_home.pk}/#staff")
    detail = c.get(f"/institutions/{yanggu_home.pk}/").content.decode()
    assert "赵丽" in detail and id_number(7) not in detail and id_number(7)[-4:] in detail
