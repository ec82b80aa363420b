"""Receiver choice by the remit matrix, and the two clocks across the 2026 holidays."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from supervision.core.models import RemitRole
from supervision.deadlines.models import Deadline, DeadlineState
from supervision.deadlines.services import open_deadlines_for, sweep
from supervision.referrals import services
from supervision.referrals.models import ReferralState
from supervision.workcal.services import add_workdays
from tests.factories import DepartmentFactory, RemitFactory

pytestmark = pytest.mark.django_db


def test_fire_problem_goes_to_fire_rescue_at_the_county(world, make_referral):
    r = make_referral(from_region=world.yanggu)
    assert r.to_department == world.xf
    assert r.to_region == world.yanggu
    assert r.state == ReferralState.DRAFT


def test_township_sender_refers_to_the_county_body(world, make_referral):
    from tests.factories import AssignmentFactory, UserFactory

    town_mz = UserFactory(username="town_mz")
    AssignmentFactory(user=town_mz, department=world.mz, region=world.yanggu_town)
    r = make_referral(from_region=world.yanggu_town, user=town_mz)
    assert (r.to_department, r.to_region) == (world.xf, world.yanggu)


def test_food_problem_goes_to_market_regulation(world, make_referral):
    r = make_referral(domain="food", title="食堂无许可证")
    assert r.to_department == world.sj


def test_responsible_role_wins_over_lead_role(world, make_referral):
    lead = DepartmentFactory(code="aaa_emergency", name="应急管理")
    RemitFactory(department=lead, domain=world.xf.domains.get(code="fire"), role=RemitRole.LEAD)
    assert make_referral().to_department == world.xf


def test_no_department_in_the_matrix_is_refused(world, make_referral):
    with pytest.raises(ValidationError) as exc:
        make_referral(domain="operations")
    assert "职责清单中没有负责“运营服务”的其他部门" in str(exc.value)


def test_referring_to_oneself_is_refused(world, make_referral, partners):
    with pytest.raises(ValidationError) as exc:
        make_referral(from_department=world.xf, user=world.yanggu_xf)
    assert "职责清单中没有负责" in str(exc.value)  # the sender is excluded from the matrix
    with pytest.raises(ValidationError) as exc:
        make_referral(to_department=world.mz)
    assert "无需抄告" in str(exc.value)


def test_refer_is_idempotent_per_subject_domain_and_sender(make_referral):
    assert make_referral().pk == make_referral().pk


def test_sender_must_hold_the_sending_post(world, make_referral):
    with pytest.raises(PermissionDenied):
        make_referral(user=world.dongchangfu_mz)


def test_send_clock_runs_seven_working_days_from_the_finding_across_national_day(world, make_referral):
    # Found on 2026-09-25 (Mid-Autumn Festival, a holiday); 1–7 October are the National Day
    # holidays and Saturday 10 October a make-up working day (State Council notice for 2026).
    r = make_referral(found_on=dt.date(2026, 9, 25))
    clock = open_deadlines_for(r).get(rule__code="referral.send")
    assert clock.start == dt.date(2026, 9, 25)
    assert clock.due == add_workdays(dt.date(2026, 9, 25), 7)
    # 9-28, 9-29, 9-30, 10-8, 10-9, 10-10 (make-up Saturday), 10-12.
    assert clock.due == dt.date(2026, 10, 12)
    assert (clock.department, clock.region) == (world.mz, world.yanggu)


def test_sending_meets_the_send_clock_and_opens_the_receivers_response_clock(world, sent_referral):
    r = sent_referral
    send = Deadline.objects.get(object_id=r.pk, rule__code="referral.send")
    assert send.state == DeadlineState.MET
    response = open_deadlines_for(r).get(rule__code="referral.response")
    assert response.start == dt.date(2026, 9, 28)
    # Default 10 working days: 9-29, 9-30, 10-8, 10-9, 10-10, 10-12 … 10-16.
    assert response.due == add_workdays(dt.date(2026, 9, 28), 10) == dt.date(2026, 10, 16)
    assert (response.department, response.region) == (world.xf, world.yanggu)


def test_response_length_is_configurable_per_region(world, make_referral, partners):
    from supervision.deadlines.models import Rule, RuleOverride

    RuleOverride.objects.create(
        rule=Rule.objects.get(code="referral.response"), region=world.yanggu, length=5
    )
    r = services.referral_send(make_referral(), actor=world.yanggu_mz, on=dt.date(2026, 9, 28))
    assert open_deadlines_for(r).get(rule__code="referral.response").due == dt.date(2026, 10, 10)


def test_an_overdue_response_escalates_to_the_receivers_leader(
    world, partners, sent_referral, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from supervision.deadlines.models import Notification

    with django_capture_on_commit_callbacks(execute=True):  # notifications are made after commit
        result = sweep(now=timezone.make_aware(dt.datetime(2026, 10, 20, 9, 0)))
    assert result.overdue_marked >= 1
    clock = Deadline.objects.get(object_id=sent_referral.pk, rule__code="referral.response")
    assert clock.state == DeadlineState.OVERDUE
    escalations = Notification.objects.filter(deadline=clock, kind="escalation")
    assert set(escalations.values_list("user__username", flat=True)) == {"yanggu_xf_leader"}


def test_responding_meets_the_response_clock(world, partners, sent_referral):
    services.referral_acknowledge(sent_referral, actor=partners.xf_liaison)
    services.referral_respond(
        sent_referral,
        actor=world.yanggu_xf,
        action_taken="现场检查",
        result="已责令整改",
        on=dt.date(2026, 10, 9),
    )
    clock = Deadline.objects.get(object_id=sent_referral.pk, rule__code="referral.response")
    assert clock.state == DeadlineState.MET
    assert not open_deadlines_for(sent_referral).exists()
