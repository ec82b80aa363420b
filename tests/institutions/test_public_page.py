"""The public disclosure page: no login, allow-listed fields, masked persons, the commitment."""

from __future__ import annotations

import datetime as dt

import pytest

from institutions import services
from tests.institutions.factories import id_number

pytestmark = pytest.mark.django_db


def test_public_page_shows_disclosure_and_commitment_without_login(world, client, yanggu_home, monkeypatch):
    monkeypatch.setattr(services.common, "_open_clock", lambda *a, **k: None)
    services.appointment_make(
        yanggu_home,
        actor=world.yanggu_mz,
        post="legal_representative",
        name="张大伟",
        id_number=id_number(9),
        started_on=dt.date(2026, 1, 1),
    )
    services.institution_update(
        yanggu_home, actor=world.yanggu_mz, fee_standards="床位费 800 元/月", contact_phone="0635-1111111"
    )
    services.filing_submit(
        yanggu_home,
        actor=world.yanggu_mz,
        submitted_on=dt.date(2026, 2, 2),
        commitment_text="本机构郑重承诺遵守消防安全规定",
        certificate_number="52371521MJ0001",
    )
    response = client.get(f"/public/institutions/{yanggu_home.credit_code}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert (
        yanggu_home.name in body and "床位费 800 元/月" in body and "本机构郑重承诺遵守消防安全规定" in body
    )
    assert "张**" in body and "张大伟" not in body and id_number(9) not in body
    assert "52371521MJ0001" not in body  # certificate numbers and files are not in the allow-list


def test_unknown_code_is_404(client, db):
    assert client.get("/public/institutions/91110000600037341L/").status_code == 404
