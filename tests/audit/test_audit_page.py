"""The audit administrator's page: search by user, object, action, time and IP; paginated with
its total; Excel export; refused to everyone else (superusers included)."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
import time_machine
from django.utils import timezone
from openpyxl import load_workbook

from supervision.core.models import SecurityEvent
from supervision.core.signals import record

pytestmark = pytest.mark.django_db


class FakeRequest:
    def __init__(self, ip: str) -> None:
        self.META = {"REMOTE_ADDR": ip}


@pytest.fixture
def trail(world):
    with time_machine.travel(timezone.make_aware(dt.datetime(2026, 11, 2, 9, 0)), tick=False):
        record(SecurityEvent.Kind.LOGIN_FAILED, FakeRequest("10.9.9.9"), username="mallory")
        record(SecurityEvent.Kind.LOCKOUT, FakeRequest("10.9.9.9"), username="mallory", detail="ip=10.9.9.9")
    with time_machine.travel(timezone.make_aware(dt.datetime(2026, 11, 20, 15, 30)), tick=False):
        record(
            SecurityEvent.Kind.EXPORT, FakeRequest("10.1.1.1"), world.yanggu_mz, detail="institutions 阳谷"
        )
        record(
            SecurityEvent.Kind.UNMASK, FakeRequest("10.1.1.1"), world.yanggu_xf, detail="投诉 ABC 的投诉人"
        )


def rows(client, query: str = "") -> str:
    response = client.get(f"/audit/?{query}")
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_audit_admin_searches_the_trail(client_for, auditadmin, trail):
    c = client_for(auditadmin)
    page = rows(c)
    assert "mallory" in page and "yanggu_xf" in page and "共 " in page
    assert "账户锁定" in page and "2026-11-02 09:00:00" in page  # labels and dates, no codes
    by_user = rows(c, "user=mallory")
    assert "mallory" in by_user and "yanggu_xf" not in by_user
    by_action = rows(c, "action=unmask")
    assert "投诉 ABC" in by_action and "mallory" not in by_action
    by_ip = rows(c, "ip=10.9.9.9")
    assert "mallory" in by_ip and "institutions 阳谷" not in by_ip
    by_object = rows(c, "object=institutions")
    assert "institutions 阳谷" in by_object and "mallory" not in by_object
    by_time = rows(c, "since=2026-11-10&until=2026-11-30")
    assert "institutions 阳谷" in by_time and "mallory" not in by_time
    by_department = rows(c, "department=消防")
    assert "yanggu_xf" in by_department and "yanggu_mz" not in by_department
    assert c.get("/audit/?ip=not-an-ip").status_code == 400
    assert "没有符合条件的审计记录" in rows(c, "user=nobody-at-all")


def test_the_audit_admin_exports_the_filtered_trail_and_the_export_is_audited(client_for, auditadmin, trail):
    c = client_for(auditadmin)
    response = c.get("/audit/?action=lockout&export=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][:6] == ["序号", "时间", "用户", "部门", "辖区", "操作"]
    assert len(values) == 2 and values[1][2] == "mallory" and values[1][5] == "账户锁定"
    assert SecurityEvent.objects.filter(
        kind="export", user=auditadmin, detail__startswith="audit-log"
    ).exists()


def test_the_page_is_paginated_with_its_total(client_for, auditadmin, world):
    for i in range(60):
        record(SecurityEvent.Kind.LOGIN, None, world.yanggu_mz, detail=f"n{i}")
    c = client_for(auditadmin)
    total = c.get("/audit/").context["paginator"].count
    assert total >= 60
    page = rows(c)
    pages = (total + 49) // 50
    assert f"共 {total} 条" in page and f"第 1 / {pages} 页" in page
    assert c.get("/audit/?page=2").status_code == 200


@pytest.mark.parametrize("persona", ["yanggu_mz", "yanggu_leader", "yanggu_xf", "outsider", "sysadmin"])
def test_nobody_else_sees_the_audit_page(client_for, world, trail, persona):
    c = client_for(getattr(world, persona))
    response = c.get("/audit/")
    assert response.status_code == 403
    assert "审计日志仅审计管理员可以查阅" in response.content.decode()
    assert c.get("/audit/?export=xlsx").status_code == 403


def test_anonymous_is_sent_to_sign_in(client, trail):
    response = client.get("/audit/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_audit_page_has_no_n_plus_one(client_for, auditadmin, world, django_assert_max_num_queries):
    for i in range(30):
        record(SecurityEvent.Kind.LOGIN, None, world.yanggu_mz, detail=f"n{i}")
    c = client_for(auditadmin)
    c.get("/audit/")
    with django_assert_max_num_queries(10):
        assert c.get("/audit/").status_code == 200
