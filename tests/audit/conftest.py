from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import AssignmentFactory, UserFactory


@pytest.fixture
def auditadmin(world):
    """The audit administrator (审计管理员, one of the three separated administrator roles)."""
    user = UserFactory(username="auditadmin", display_name="审计管理员")
    AssignmentFactory(user=user, department=world.mz, region=world.shandong, role="auditadmin")
    return user


@pytest.fixture
def home(world):
    from tests.institutions.factories import InstitutionFactory

    return InstitutionFactory(name="阳谷县博济桥街道福寿养老院", status="filed", region=world.yanggu_town)


@pytest.fixture
def fire_complaint(world, home):
    from inspections.complaints import services

    return services.complaint_submit_public(
        content="三楼安全出口被杂物堵死。",
        institution=home,
        category="fire",
        name="张三丰",
        phone="13812345678",
        received_at=timezone.make_aware(dt.datetime(2026, 11, 30, 10, 0)),
    )
