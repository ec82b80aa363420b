"""The system actor (issue 13): tasks, sweeps, commands, demo seeders and procedures closing their
own clocks pass ``policy.SYSTEM`` explicitly; a missing (``None``) or anonymous actor is refused
by the services with ``Denied``, never taken for the system."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import AnonymousUser

from institutions import services as registry
from institutions.models import Institution
from supervision.core import policy
from supervision.deadlines import services as deadlines
from supervision.deadlines.models import Deadline, DeadlineState
from supervision.publicity import services as publicity
from supervision.referrals import services as referrals
from tests.institutions.factories import InstitutionFactory

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def home(world):
    return InstitutionFactory(name="阳谷县福寿养老院", region=world.yanggu_town)


@pytest.fixture
def clock(world, home):
    return deadlines.deadline_open(
        home, "filing.onsite_check", D(2026, 9, 28), department=world.mz, region=world.yanggu
    )


def _writes(world, home, clock):
    """One write of each procedure, as ``fn(actor)``."""
    return {
        "institution_update": lambda a: registry.institution_update(home, actor=a, beds=91),
        "drill_record": lambda a: registry.drill_record(home, actor=a, held_on=D(2026, 10, 9), kind="fire"),
        "referral_create": lambda a: referrals.refer(
            home,
            domain="fire",
            from_department=world.mz,
            from_region=world.yanggu,
            user=a,
            title="消防通道堵塞",
            description="安全出口堵塞",
            found_on=D(2026, 9, 25),
        ),
        "deadline_waive": lambda a: deadlines.deadline_waive(clock, reason="并案处理", actor=a),
        "deadline_reassign": lambda a: deadlines.deadline_reassign(
            home, "filing.onsite_check", department=world.xf, region=world.yanggu, actor=a
        ),
        "policy_page_create": lambda a: publicity.policy_page_create(
            actor=a, category="general", title="测试", body="正文", region=world.yanggu
        ),
    }


WRITES = [
    "institution_update",
    "drill_record",
    "referral_create",
    "deadline_waive",
    "deadline_reassign",
    "policy_page_create",
]


@pytest.mark.parametrize("write", WRITES)
@pytest.mark.parametrize("actor", [None, AnonymousUser()], ids=["none", "anonymous"])
def test_a_missing_or_anonymous_actor_is_refused(world, home, clock, write, actor):
    with pytest.raises(policy.Denied, match="请先登录"):
        _writes(world, home, clock)[write](actor)
    assert Institution.objects.get(pk=home.pk).beds != 91
    fresh = Deadline.objects.get(pk=clock.pk)
    assert fresh.state == DeadlineState.OPEN and fresh.department == world.mz


@pytest.mark.parametrize("write", WRITES)
def test_the_system_acts_and_is_recorded_as_no_user(world, home, clock, write):
    result = _writes(world, home, clock)[write](policy.SYSTEM)
    assert result is not None
    if write == "institution_update":
        entry = LogEntry.objects.get_for_object(home).latest("timestamp")
        assert entry.actor is None and entry.additional_data == {"verb": "update"}


def test_an_exit_waives_the_drill_clocks_as_the_system(world, home):
    registry.filing_submit(
        home,
        actor=world.yanggu_mz,
        submitted_on=D(2026, 9, 28),
        commitment_text="本机构承诺……",
        certificate_number="民证字第 8 号",
    )
    drills = list(deadlines.open_deadlines_for(home).filter(rule__code__startswith="drill."))
    assert drills
    # The inspector could not waive a clock herself; the exit, under civil affairs' rule, does.
    with pytest.raises(policy.Denied):
        deadlines.deadline_waive(drills[0], reason="x", actor=world.yanggu_mz)
    registry.institution_suspend(
        home, actor=world.yanggu_mz, effective_on=D(2026, 10, 9), reason="改造", resettlement_plan="安置"
    )
    for d in Deadline.objects.filter(pk__in=[d.pk for d in drills]):
        assert d.state == DeadlineState.WAIVED and d.waived_by is None and "暂停服务" in d.waived_reason


def test_the_sweep_needs_no_actor(world, clock):
    result = deadlines.sweep(dt.datetime(2026, 11, 10, 9, tzinfo=dt.UTC))
    assert result.overdue_marked == 1
