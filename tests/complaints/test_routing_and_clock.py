"""Routing by the remit matrix (民政牵头、归口负责) and the 5-working-day feedback clock."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from inspections.complaints import services
from inspections.complaints.models import Complaint, State
from supervision.deadlines.models import Deadline
from supervision.workcal import services as workcal
from tests.factories import RemitFactory

pytestmark = pytest.mark.django_db


def test_fire_hazard_goes_to_fire_rescue_in_the_county(world, fire_complaint):
    c = fire_complaint
    assert c.state == State.ASSIGNED
    assert c.handling_department == world.xf and c.handling_region == world.yanggu
    assert len(c.tracking_code) == 12 and c.tracking_code.isalnum()
    assert c.events.filter(step="route").get().note.startswith("按职责清单")


def test_feedback_clock_across_the_national_day_holiday(world, fire_complaint):
    # 2026-09-30 + 5 working days: 10-01..07 are holidays, Saturday 10-10 is a make-up
    # workday, so the days are 10-08, 10-09, 10-10, 10-12, 10-13.
    expected = workcal.add_workdays(dt.date(2026, 9, 30), 5)
    assert expected == dt.date(2026, 10, 13)
    d = Deadline.objects.get(rule__code="complaint.feedback", object_id=fire_complaint.pk)
    assert d.due == expected == fire_complaint.feedback_due
    assert d.department == world.xf and d.region == world.yanggu


def test_no_domain_goes_to_civil_affairs(world, home):
    c = services.complaint_submit_public(content="工作人员态度恶劣，不给老人按时吃饭。", institution=home)
    assert c.handling_department == world.mz and "民政" in c.events.get(step="route").note


def test_ambiguous_domain_goes_to_civil_affairs(world, home):
    RemitFactory(department=world.sj, domain=world.xf.remits.get().domain)  # two responsible depts
    c = services.complaint_submit_public(
        content="消防通道被占用，存在安全隐患。", institution=home, category="fire"
    )
    assert c.handling_department == world.mz


def test_unknown_institution_in_a_chosen_place(world):
    c = services.complaint_submit_public(
        content="小区里有一家托老点收了七八个老人。",
        institution_name="某小区托老点",
        region=world.dongchangfu_town,
    )
    assert c.institution is None and c.handling_region == world.dongchangfu


def test_reply_meets_the_clock_and_reassign_keeps_its_start(world, fire_complaint):
    c = services.complaint_reassign(
        fire_complaint, actor=world.yanggu_mz, to_department=world.sj, reason="实为食堂问题"
    )
    assert (
        c.handling_department == world.sj and c.events.filter(step="reassign", note="实为食堂问题").exists()
    )
    d = Deadline.objects.get(rule__code="complaint.feedback", object_id=c.pk)
    assert d.department == world.sj and d.due == dt.date(2026, 10, 13)
    with pytest.raises(ValidationError):
        services.complaint_reassign(c, actor=world.yanggu_mz, to_department=world.xf, reason="")
    with pytest.raises((Http404, PermissionDenied)):  # fire rescue no longer handles it
        services.complaint_reply(c, actor=world.yanggu_xf, findings="x", reply="y")
    c = services.complaint_reassign(c, actor=world.yanggu_mz, to_department=world.xf, reason="确为消防问题")
    c = services.complaint_reply(c, actor=world.yanggu_xf, findings="现场核实属实", reply="已责令限期清理")
    d.refresh_from_db()
    assert c.state == State.REPLIED and d.state == "met"
    assert (
        services.complaint_reply(c, actor=world.yanggu_xf, findings="现场核实属实", reply="已责令限期清理")
        == c
    )


def test_merge_duplicate(world, home, fire_complaint):
    dup = services.complaint_submit_public(
        content="楼道堆满杂物，消防通道不通。", institution=home, category="fire"
    )
    services.complaint_merge(dup, fire_complaint, actor=world.yanggu_xf)
    dup.refresh_from_db()
    assert dup.state == State.MERGED and dup.merged_into == fire_complaint
    assert Deadline.objects.get(rule__code="complaint.feedback", object_id=dup.pk).state == "met"
    with pytest.raises(ValidationError):
        services.complaint_merge(fire_complaint, fire_complaint, actor=world.yanggu_xf)


def test_hotline_is_idempotent_per_work_order(world, home):
    kw = dict(
        actor=world.yanggu_mz,
        hotline_number="12345-20261001-0001",
        content="饭菜变质，老人腹泻。",
        institution=home,
        category="food",
    )
    a = services.complaint_register_hotline(**kw)
    b = services.complaint_register_hotline(**kw)
    assert a == b and a.handling_department == world.sj and Complaint.objects.count() == 1


def test_complaint_counts_feed_the_draw_risk_class(world, home):
    from inspections.risk import COMPLAINT_HIGH, risk_class_for

    for _ in range(COMPLAINT_HIGH):
        services.complaint_submit_public(content="夜间无人值守，老人摔倒无人管。", institution=home)
    assert services.complaint_counts([home.pk]) == {home.pk: COMPLAINT_HIGH}
    assert risk_class_for([home])[home.pk] == "high"
