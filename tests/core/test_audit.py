"""Every change to a domain object is recorded with who, when, from where, before and after."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry

from supervision.core.models import Department, SecurityEvent

pytestmark = pytest.mark.django_db


def test_admin_change_is_audited_with_actor_ip_and_diff(world, client):
    client.force_login(world.sysadmin)
    dept = world.xf
    response = client.post(
        f"/admin/core/department/{dept.pk}/change/",
        {
            "code": dept.code,
            "name": "消防救援机构",
            "short_name": "消",
            "remits-TOTAL_FORMS": "0",
            "remits-INITIAL_FORMS": "0",
            "remits-MIN_NUM_FORMS": "0",
            "remits-MAX_NUM_FORMS": "1000",
        },
        REMOTE_ADDR="10.20.30.40",
    )
    assert response.status_code == 302, response.content[:2000]
    entry = LogEntry.objects.get_for_object(Department.objects.get(pk=dept.pk)).latest("timestamp")
    assert entry.actor == world.sysadmin
    assert entry.remote_addr == "10.20.30.40"
    assert entry.changes_dict["name"] == ["消防救援", "消防救援机构"]


def test_delete_is_audited(world):
    from tests.factories import DomainFactory

    domain = DomainFactory(code="tmp", name="临时")
    pk = domain.pk
    domain.delete()
    assert LogEntry.objects.filter(object_pk=str(pk), action=LogEntry.Action.DELETE).exists()


def test_export_is_recorded(world, client_for):
    from django.test import RequestFactory

    from supervision.core.signals import record

    request = RequestFactory().get("/x", REMOTE_ADDR="10.0.0.1")
    record(SecurityEvent.Kind.EXPORT, request, world.yanggu_mz, detail="institutions")
    event = SecurityEvent.objects.get(kind="export")
    assert event.user == world.yanggu_mz and event.ip_address == "10.0.0.1"
