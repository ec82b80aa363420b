"""Handing a live clock to another responsible body keeps its dates and is audited."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry

from supervision.core import policy
from supervision.deadlines.models import Deadline
from supervision.deadlines.services import deadline_reassign
from tests.factories import AssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_reassign_moves_the_body_keeps_the_dates_and_audits(world, open_clock):
    d = open_clock(dt.date(2026, 9, 28))
    admin = UserFactory(username="yanggu_admin")
    AssignmentFactory(user=admin, department=world.mz, region=world.yanggu, role="admin")
    moved = deadline_reassign(
        d.subject, "filing.onsite_check", department=world.xf, region=world.yanggu, actor=admin
    )
    assert moved == 1
    after = Deadline.objects.get(pk=d.pk)
    assert (after.department, after.region, after.start, after.due) == (
        world.xf,
        world.yanggu,
        d.start,
        d.due,
    )
    entry = LogEntry.objects.get_for_object(after).latest("timestamp")
    assert entry.additional_data == {"verb": "reassign"} and entry.actor == admin
    # moving again to the same body changes nothing
    assert (
        deadline_reassign(
            d.subject, "filing.onsite_check", department=world.xf, region=world.yanggu, actor=policy.SYSTEM
        )
        == 0
    )
    # the new responsible department now sees the clock
    assert Deadline.objects.visible_to(world.yanggu_xf).filter(pk=d.pk).exists()
