"""Referral fixtures: receiving-side personas, an institution as the generic subject (allowed in
tests: tests are not a floor), and a referral maker."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.core.cache import cache

from supervision.core.models import Department, Role, User
from supervision.referrals import services
from supervision.workcal import services as workcal
from tests.factories import AssignmentFactory, UserFactory
from tests.institutions.factories import InstitutionFactory


@pytest.fixture(autouse=True)
def fresh_calendar():
    workcal._index = None
    cache.delete(workcal.CACHE_KEY)
    yield
    workcal._index = None
    cache.delete(workcal.CACHE_KEY)


@dataclass
class Partners:
    xf_liaison: User  # 阳谷县消防救援 liaison (receives fire referrals)
    xf_leader: User
    sj_inspector: User  # 阳谷县市场监管 (remit: food)
    dcf_xf: User  # 东昌府区消防救援 (sibling county)
    mz_auditor: User


def person(username: str, dept: Department, region, role: str = Role.INSPECTOR) -> User:
    user = UserFactory(username=username, display_name=username)
    AssignmentFactory(user=user, department=dept, region=region, role=role)
    return user


@pytest.fixture
def partners(world) -> Partners:
    return Partners(
        xf_liaison=person("yanggu_xf_liaison", world.xf, world.yanggu, Role.LIAISON),
        xf_leader=person("yanggu_xf_leader", world.xf, world.yanggu, Role.LEADER),
        sj_inspector=person("yanggu_sj", world.sj, world.yanggu),
        dcf_xf=person("dongchangfu_xf", world.xf, world.dongchangfu),
        mz_auditor=person("yanggu_mz_auditor", world.mz, world.yanggu, Role.AUDITOR),
    )


@pytest.fixture
def home(world):
    return InstitutionFactory(name="阳谷县福寿养老院", region=world.yanggu_town)


@pytest.fixture
def make_referral(world, home):
    """``make_referral(found_on=…, **overrides)``: 阳谷县民政 refers a fire problem of ``home``."""

    def make(subject=None, *, found_on: dt.date = dt.date(2026, 9, 25), **kw):
        subject = subject or home
        args = {
            "domain": "fire",
            "from_department": world.mz,
            "from_region": world.yanggu,
            "user": world.yanggu_mz,
            "title": "消防通道堵塞",
            "description": "二楼东侧安全出口被杂物堵塞，疏散指示标志损坏。",
            "institution_name": getattr(subject, "name", ""),
            "credit_code": getattr(subject, "credit_code", ""),
            "evidence_summary": "现场照片 3 张",
            "found_on": found_on,
        }
        args.update(kw)
        return services.refer(subject, **args)

    return make


@pytest.fixture
def sent_referral(world, partners, make_referral):
    r = make_referral()
    return services.referral_send(r, actor=world.yanggu_mz, on=dt.date(2026, 9, 28))
