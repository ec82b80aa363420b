"""Personal data: ID and mobile numbers encrypted at rest (raw SQL shows no clear text), kept out
of audit diffs, masked on staff pages, unmasked only by an allowed post with a reason — and
every unmasking is an audit entry."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from institutions.demo import make_id_number
from supervision.audit.fields import is_token
from supervision.core.models import SecurityEvent

pytestmark = pytest.mark.django_db

ID_NUMBER = make_id_number("372522", "19800101", 7)


def raw(sql: str, params: list) -> list:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def staff_member(world, home):
    from institutions.services.staff import staff_appoint

    return staff_appoint(
        home,
        actor=world.yanggu_mz,
        name="李护理",
        id_number=ID_NUMBER,
        role="caregiver",
        hired_on=__import__("datetime").date(2026, 1, 5),
    )


def test_the_complainants_phone_is_encrypted_at_rest(fire_complaint):
    ((stored,),) = raw(
        "SELECT complainant_phone FROM complaints_complaint WHERE id = %s", [fire_complaint.pk]
    )
    assert "13812345678" not in stored and is_token(stored)
    fire_complaint.refresh_from_db()
    assert fire_complaint.complainant_phone == "13812345678"  # the application reads it back


def test_no_audit_diff_carries_the_clear_phone(fire_complaint):
    for (changes,) in raw("SELECT changes FROM auditlog_logentry", []):
        assert "13812345678" not in str(changes)
    assert LogEntry.objects.exists()


def test_a_staff_id_number_is_encrypted_at_rest_with_the_keyed_hash_for_lookup(world, home):
    from institutions.models import Person
    from institutions.personal import id_hash

    staff = staff_member(world, home)
    person = Person.objects.get(pk=staff.person_id)
    assert (
        person.id_hash == id_hash(ID_NUMBER) and person.id_masked == ID_NUMBER[:4] + "*" * 10 + ID_NUMBER[-4:]
    )
    for row in raw("SELECT * FROM institutions_person WHERE id = %s", [person.pk]):
        assert not any(ID_NUMBER in str(value) for value in row)
    ((stored,),) = raw("SELECT id_number FROM institutions_person WHERE id = %s", [person.pk])
    assert is_token(stored) and person.id_number == ID_NUMBER
    for (changes,) in raw("SELECT changes FROM auditlog_logentry", []):
        assert ID_NUMBER not in str(changes)


def test_the_data_migration_encrypts_plaintext_rows(fire_complaint):
    import importlib

    from django.apps import apps

    raw(
        "UPDATE complaints_complaint SET complainant_phone = %s WHERE id = %s",
        ["13900001111", fire_complaint.pk],
    )
    migration = importlib.import_module("inspections.complaints.migrations.0005_complainant_phone_encrypted")
    migration.encrypt_existing(apps, None)
    ((stored,),) = raw(
        "SELECT complainant_phone FROM complaints_complaint WHERE id = %s", [fire_complaint.pk]
    )
    assert is_token(stored)
    fire_complaint.refresh_from_db()
    assert fire_complaint.complainant_phone == "13900001111"


def test_the_handler_sees_the_complainant_masked_and_unmasks_with_a_reason(client_for, world, fire_complaint):
    c = client_for(world.yanggu_xf)  # fire rescue handles the fire complaint
    page = c.get(f"/inspections/complaints/{fire_complaint.pk}/").content.decode()
    assert "13812345678" not in page and "138****5678" in page and "张**" in page
    assert f"/audit/reveal/complainant/{fire_complaint.pk}/" in page
    form = c.get(f"/audit/reveal/complainant/{fire_complaint.pk}/")
    assert form.status_code == 200 and "13812345678" not in form.content.decode()
    assert not SecurityEvent.objects.filter(kind="unmask").exists()  # looking at the form is not unmasking

    refused = c.post(f"/audit/reveal/complainant/{fire_complaint.pk}/", {"reason": "看"})
    assert refused.status_code == 400 and "13812345678" not in refused.content.decode()
    assert "至少 5 个字" in refused.content.decode()
    assert not SecurityEvent.objects.filter(kind="unmask").exists()

    shown = c.post(
        f"/audit/reveal/complainant/{fire_complaint.pk}/",
        {"reason": "电话回访投诉人核实现场情况"},
        REMOTE_ADDR="10.7.7.7",
    )
    body = shown.content.decode()
    assert shown.status_code == 200 and "13812345678" in body and "张三丰" in body
    assert shown["Cache-Control"] == "no-store"
    event = SecurityEvent.objects.get(kind="unmask")
    assert event.user == world.yanggu_xf and event.ip_address == "10.7.7.7"
    assert "电话回访投诉人核实现场情况" in event.detail and fire_complaint.tracking_code in event.detail
    assert "13812345678" not in event.detail


def test_the_api_gives_the_handler_the_complainant_masked_too(api_for, world, fire_complaint):
    """Before, the API gave the handling department the full name and phone without a reason;
    the audited unmasking page is now the only way to them."""
    api = api_for(world.yanggu_xf)
    detail = api.get(f"/api/v1/complaints/{fire_complaint.pk}/")
    listed = api.get("/api/v1/complaints/")
    assert detail.status_code == 200 and listed.status_code == 200
    for body in (detail.content.decode(), listed.content.decode()):
        assert "13812345678" not in body and "张三丰" not in body
    data = detail.json()
    assert data["complainant_phone"] == "138****5678" and data["complainant_name"] == "张**"
    assert data["content"] == fire_complaint.content  # the handler still reads the whole complaint
    assert not SecurityEvent.objects.filter(kind="unmask").exists()


def test_posts_the_policy_does_not_allow_cannot_unmask(client_for, world, fire_complaint):
    lead = client_for(world.yanggu_mz)  # civil affairs: not the handling department
    page = lead.get(f"/inspections/complaints/{fire_complaint.pk}/").content.decode()
    assert "/audit/reveal/" not in page
    response = lead.post(f"/audit/reveal/complainant/{fire_complaint.pk}/", {"reason": "想看看是谁投诉的"})
    assert response.status_code == 403 and "13812345678" not in response.content.decode()
    other = client_for(world.dongchangfu_mz)  # outside the jurisdiction: not even visible
    assert (
        other.post(
            f"/audit/reveal/complainant/{fire_complaint.pk}/", {"reason": "想看看是谁投诉的"}
        ).status_code
        == 404
    )
    assert not SecurityEvent.objects.filter(kind="unmask").exists()


def test_staff_id_numbers_are_unmasked_by_the_registry_keepers_only(client_for, world, home):
    staff = staff_member(world, home)
    url = f"/audit/reveal/staff-id/{staff.pk}/"
    xf = client_for(world.yanggu_xf)
    assert xf.post(url, {"reason": "消防检查核对人员身份"}).status_code == 403
    mz = client_for(world.yanggu_mz)
    shown = mz.post(url, {"reason": "核对护理员资格证书信息"})
    assert shown.status_code == 200 and ID_NUMBER in shown.content.decode()
    assert SecurityEvent.objects.filter(
        kind="unmask", user=world.yanggu_mz, detail__contains="李护理"
    ).exists()


def test_public_pages_never_show_the_numbers(client, fire_complaint):
    from django.core.cache import cache

    cache.clear()
    body = client.get(
        f"/public/complaints/track/?code={fire_complaint.tracking_code}", follow=True
    ).content.decode()
    assert fire_complaint.tracking_code in body
    assert "13812345678" not in body


def test_the_development_key_is_refused_when_debug_is_off(settings):
    from supervision.audit import keys

    settings.REFUSE_DEV_KEYS = True
    with pytest.raises(ImproperlyConfigured, match="PERSONAL_DATA_ENCRYPTION_KEY"):
        keys.fernet()
    assert [m.id for m in keys.check_keys()] == ["audit.E001", "audit.E001"]
    from cryptography.fernet import Fernet

    settings.PERSONAL_DATA_ENCRYPTION_KEY = Fernet.generate_key().decode()
    settings.AUDIT_ARCHIVE_KEY = "a-real-archive-key-from-the-vault"
    assert keys.check_keys() == [] and keys.fernet() is not None
    settings.PERSONAL_DATA_ENCRYPTION_KEY = "change-me-fernet-key-44-characters-base64"  # .env.example
    assert [m.id for m in keys.check_keys()] == ["audit.E001"]


def test_a_staff_office_phone_is_encrypted_at_rest_with_a_keyed_hash_for_lookup(world):
    from supervision.audit.fields import phone_hash
    from supervision.core.models import User

    user = world.yanggu_mz
    user.phone = "0635-6212345"
    user.save(update_fields=["phone"])
    ((stored, stored_hash),) = raw("SELECT phone, phone_hash FROM core_user WHERE id = %s", [user.pk])
    assert "6212345" not in stored and is_token(stored)
    assert stored_hash == phone_hash("0635 6212345") and "6212345" not in stored_hash
    assert User.objects.get(pk=user.pk).phone == "0635-6212345"  # read back in clear
    assert list(User.objects.filter(phone_hash=phone_hash("06356212345"))) == [user]
    user.phone = ""
    user.save()
    assert raw("SELECT phone, phone_hash FROM core_user WHERE id = %s", [user.pk]) == [("", "")]
