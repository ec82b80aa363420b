"""The inspector directory kept by the county administrators: add an inspector with the
enforcement certificate, change it, audited; others are refused."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry

from inspections.models import Inspector
from supervision.core.models import Role, User
from tests.factories import AssignmentFactory, DomainFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(world) -> User:
    user = UserFactory(username="yanggu_admin", display_name="阳谷县民政局管理员")
    AssignmentFactory(user=user, department=world.mz, region=world.yanggu, role=Role.ADMIN)
    return user


def payload(world, **kw):
    data = {
        "name": "赵执法",
        "department": world.mz.pk,
        "region": world.yanggu.pk,
        "certificate_number": "15371521009",
        "certificate_expires": "2028-06-30",
        "active": "on",
    }
    data.update(kw)
    return data


def test_the_home_page_offers_the_inspector_section(world, admin, client_for):
    html = client_for(admin).get("/county-admin/").content.decode()
    assert "执法检查人员" in html and "/inspections/inspectors/" in html


def test_an_administrator_adds_an_inspector_with_a_certificate(world, admin, client_for):
    fire = DomainFactory(code="fire-x", name="消防安全X")
    client = client_for(admin)
    assert "inspector-new" in client.get("/inspections/inspectors/").content.decode()
    response = client.post("/inspections/inspectors/new/", {**payload(world), "domains": [fire.pk]})
    assert response.status_code == 302
    inspector = Inspector.objects.get(certificate_number="15371521009")
    assert inspector.name == "赵执法" and str(inspector.certificate_expires) == "2028-06-30"
    assert list(inspector.domains.all()) == [fire]
    assert LogEntry.objects.get_for_object(inspector).filter(additional_data__verb="add_inspector").exists()
    listing = client.get("/inspections/inspectors/").content.decode()
    assert "赵执法" in listing and "2028-06-30" in listing


def test_changing_the_certificate_is_audited(world, admin, client_for):
    client = client_for(admin)
    client.post("/inspections/inspectors/new/", payload(world))
    inspector = Inspector.objects.get(certificate_number="15371521009")
    client.post(
        f"/inspections/inspectors/{inspector.pk}/edit/", payload(world, certificate_expires="2029-01-31")
    )
    inspector.refresh_from_db()
    assert str(inspector.certificate_expires) == "2029-01-31"
    entry = LogEntry.objects.get_for_object(inspector).get(additional_data__verb="change_inspector")
    assert entry.changes["certificate_expires"] == ["2028-06-30", "2029-01-31"]


def test_an_inspector_post_and_another_county_cannot_add(world, admin, client_for):
    assert client_for(world.yanggu_mz).get("/inspections/inspectors/new/").status_code == 403
    assert client_for(world.yanggu_mz).post("/inspections/inspectors/new/", payload(world)).status_code == 403
    # a region outside the administrator's county is not offered
    client_for(admin).post("/inspections/inspectors/new/", payload(world, region=world.dongchangfu.pk))
    assert not Inspector.objects.filter(certificate_number="15371521009").exists()


def test_a_partner_administrator_keeps_its_own_inspectors_only(world, client_for):
    xf_admin = UserFactory(username="yanggu_xf_admin")
    AssignmentFactory(user=xf_admin, department=world.xf, region=world.yanggu, role=Role.ADMIN)
    client = client_for(xf_admin)
    assert (
        client.post("/inspections/inspectors/new/", payload(world, department=world.mz.pk)).status_code == 403
    )
    client.post("/inspections/inspectors/new/", payload(world, department=world.xf.pk, name="王消防"))
    assert Inspector.objects.filter(name="王消防", department=world.xf).exists()
