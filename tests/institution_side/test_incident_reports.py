"""Incident reports filed by the institution: sent to the departments the rules name, judged
against the reporting time of the kind (with its source); a late one is 迟报, shown to staff."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from institutions.portal.services.reporting import institution_incident_report
from supervision.deadlines.models import Notification
from tests.factories import AssignmentFactory, DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def at(hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, 11, 30, hour, minute))


def test_a_safety_accident_reported_after_one_hour_is_late(world, institution_account):
    user, inst = institution_account
    emergency = DepartmentFactory(code="emergency_management", name="应急管理")
    yjj = UserFactory(username="yanggu_yj")
    AssignmentFactory(user=yjj, department=emergency, region=world.yanggu)
    report = institution_incident_report(
        inst,
        actor=user,
        kind="safety_accident",
        occurred_at=at(8),
        reported_at=at(9, 30),
        summary="厨房燃气泄漏",
    )
    t = report.timeliness
    assert t.late and t.limit_hours == 1 and t.late_minutes == 30
    assert "生产安全事故报告和调查处理条例" in t.source and not t.house_default
    assert report.reported_to == ["emergency_management", "civil_affairs"]
    # sent to the departments the rules name, at the county
    told = set(Notification.objects.filter(title__contains="迟报").values_list("user__username", flat=True))
    assert {"yanggu_yj", "yanggu_mz"} <= told
    # shown to staff as 迟报 on the institution page
    staff = Client()
    staff.force_login(world.yanggu_mz)
    tab = staff.get(f"/institutions/{inst.pk}/file/reported/", HTTP_HX_REQUEST="true").content.decode()
    assert "迟报" in tab and "超时 30 分钟" in tab


def test_an_epidemic_reported_within_two_hours_is_on_time(institution_account):
    user, inst = institution_account
    report = institution_incident_report(
        inst, actor=user, kind="epidemic", occurred_at=at(8), reported_at=at(9, 59), summary="3 名老人发热"
    )
    assert not report.timeliness.late and report.timeliness.limit_hours == 2


def test_a_kind_without_a_statutory_time_says_the_default_is_the_platforms(institution_account):
    user, inst = institution_account
    report = institution_incident_report(
        inst, actor=user, kind="other", occurred_at=at(8), reported_at=at(9), summary="停电 2 小时"
    )
    assert report.timeliness.house_default and "本平台默认值" in report.timeliness.source
