"""Incident/epidemic reports (with the departments not told), staff training records and the
read-only restrictions page: services, pages, scoping and Chinese validation messages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from institutions import services
from institutions.models import (
    IncidentKind,
    InstitutionRestrictionKind,
    PersonRestrictionKind,
    Recipient,
    StaffRole,
)
from tests.institutions.factories import id_number

pytestmark = pytest.mark.django_db


def at(day: int, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, 3, day, hour, 0))


def test_incident_service_records_who_was_not_told(world, yanggu_home):
    report = services.incident_report(
        yanggu_home,
        actor=world.yanggu_mz,
        kind=IncidentKind.EPIDEMIC,
        occurred_at=at(2),
        reported_at=at(2, 11),
        summary="3 名老人发热",
        reported_to=[Recipient.CIVIL_AFFAIRS, Recipient.HEALTH],
        affected=3,
    )
    assert report.missing_recipients == [Recipient.CDC, Recipient.MARKET]
    with pytest.raises(ValidationError) as exc:
        services.incident_report(
            yanggu_home,
            actor=world.yanggu_mz,
            kind=IncidentKind.OTHER,
            occurred_at=at(3),
            reported_at=at(2),
            summary="x",
            reported_to=[],
        )
    assert "报告时间不能早于发生时间" in str(exc.value)


def test_incident_page_records_report_and_shows_missing_departments(world, yanggu_home, client_for):
    c = client_for(world.yanggu_mz)
    url = f"/institutions/{yanggu_home.pk}/incident/"
    form = c.get(url).content.decode()
    assert "疾病预防控制机构" in form and 'type="checkbox"' in form
    bad = c.post(
        url, {"kind": "epidemic", "occurred_at": "2026-03-02T09:00", "reported_at": "2026-03-01T09:00"}
    )
    body = bad.content.decode()
    assert bad.status_code == 200 and "报告时间不能早于发生时间" in body and "请填写事件概况" in body
    ok = c.post(
        url,
        {
            "kind": "epidemic",
            "occurred_at": "2026-03-02T09:00",
            "reported_at": "2026-03-02T11:00",
            "summary": "3 名老人发热",
            "affected": 3,
            "reported_to": ["civil_affairs", "health"],
        },
        follow=True,
    )
    body = ok.content.decode()
    assert "尚未报告疾病预防控制机构、市场监管部门" in body
    table = body[body.index('id="incidents"') :]
    assert "3 名老人发热" in table and "卫生健康部门" in table
    assert yanggu_home.incidents.get().reported_to == ["civil_affairs", "health"]


def test_incident_and_training_pages_are_scoped(world, yanggu_home, dongchangfu_home, client_for):
    c = client_for(world.dongchangfu_mz)
    for path in ("incident", "training"):
        assert c.get(f"/institutions/{yanggu_home.pk}/{path}/").status_code == 404
        assert c.post(f"/institutions/{yanggu_home.pk}/{path}/", {}).status_code == 404
    assert client_for(world.yanggu_mz).get(f"/institutions/{yanggu_home.pk}/incident/").status_code == 200


def hire(inst, actor, n, role=StaffRole.CAREGIVER, name="李护理"):
    return services.staff_appoint(
        inst, actor=actor, name=name, id_number=id_number(n), role=role, hired_on=dt.date(2019, 1, 1)
    )


def test_training_record_page(world, yanggu_home, dongchangfu_home, client_for):
    staff = hire(yanggu_home, world.yanggu_mz, 301)
    other = hire(dongchangfu_home, world.dongchangfu_mz, 302, name="外县人员")
    c = client_for(world.yanggu_mz)
    url = f"/institutions/{yanggu_home.pk}/training/"
    page = c.get(url).content.decode()
    assert "李护理" in page and "外县人员" not in page
    # Someone else's staff member cannot be chosen; an empty course and a future date are refused.
    bad = c.post(url, {"staff": other.pk, "course": "", "held_on": "2999-01-01", "hours": 8})
    body = bad.content.decode()
    assert (
        "请选择本机构在岗的从业人员" in body and "请填写培训内容" in body and "培训日期不能晚于今天" in body
    )
    assert not other.trainings.exists()
    ok = c.post(
        url,
        {
            "staff": staff.pk,
            "course": "失能老人照护岗前培训",
            "provider": "阳谷县职业学校",
            "held_on": "2026-01-05",
            "hours": "16",
        },
    )
    assert ok.status_code == 302 and ok["Location"].endswith("#staff")
    detail = c.get(f"/institutions/{yanggu_home.pk}/").content.decode()
    assert "失能老人照护岗前培训" in detail and "16.0 学时" in detail


def test_training_service_refuses_out_of_scope_actor(world, yanggu_home):
    staff = hire(yanggu_home, world.yanggu_mz, 303)
    with pytest.raises(PermissionDenied):  # the sibling county keeps no registry here
        services.training_record(staff, actor=world.dongchangfu_mz, course="x", held_on=dt.date(2026, 1, 1))
    assert not staff.trainings.exists()


def test_restrictions_page_lists_jurisdiction_only_with_masked_ids(
    world, yanggu_home, dongchangfu_home, client_for
):
    ours = hire(yanggu_home, world.yanggu_mz, 311, name="王某")
    theirs = hire(dongchangfu_home, world.dongchangfu_mz, 312, name="赵某")
    for staff in (ours, theirs):
        services.person_restrict(
            actor=world.sysadmin,
            person=staff.person,
            kind=PersonRestrictionKind.INDUSTRY_BAN,
            source="阳民罚〔2020〕1号",
            starts_on=dt.date(2020, 1, 1),
            permanent=True,
        )
    services.institution_restrict(
        yanggu_home,
        actor=world.sysadmin,
        kind=InstitutionRestrictionKind.JOINT_PUNISHMENT,
        source="聊信〔2020〕7号",
        starts_on=dt.date(2020, 1, 1),
        permanent=True,
    )
    lifted = services.institution_restrict(
        dongchangfu_home,
        actor=world.sysadmin,
        kind=InstitutionRestrictionKind.OTHER,
        source="已解除",
        starts_on=dt.date(2020, 1, 1),
        permanent=True,
    )
    services.restriction_lift(lifted, actor=world.sysadmin, lifted_on=dt.date(2021, 1, 1), reason="信用修复")
    body = client_for(world.yanggu_mz).get("/institutions/restrictions/").content.decode()
    assert "王某" in body and ours.person.id_masked in body and id_number(311) not in body
    assert "赵某" not in body and "聊信〔2020〕7号" in body and dongchangfu_home.name not in body
    other = client_for(world.dongchangfu_mz).get("/institutions/restrictions/").content.decode()
    assert "赵某" in other and "王某" not in other and "已解除" not in other
    assert "辖区内没有正在执行限制措施的机构" in other
    detail = client_for(world.yanggu_mz).get(f"/institutions/{yanggu_home.pk}/").content.decode()
    assert ours.person.id_masked in detail[detail.index('id="person-restrictions"') :]
