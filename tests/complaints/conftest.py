from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from inspections.complaints import services
from tests.institutions.factories import InstitutionFactory


@pytest.fixture(autouse=True)
def clean_public_cache(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "public": "10000/min",
            "complaint": "10000/hour",
        },
    }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def home(world):
    """A filed care home in 阳谷县 (博济桥街道)."""
    return InstitutionFactory(name="阳谷县博济桥街道福寿养老院", status="filed", region=world.yanggu_town)


SEPT_30 = timezone.make_aware(dt.datetime(2026, 9, 30, 10, 0))


@pytest.fixture
def fire_complaint(world, home):
    return services.complaint_submit_public(
        content="三楼安全出口被杂物堵死，灭火器过期。",
        institution=home,
        category="fire",
        name="张三丰",
        phone="13812345678",
        received_at=SEPT_30,
    )


@pytest.fixture
def yanggu_sj(world):
    """A market-regulation inspector of 阳谷县 (food safety is its remit)."""
    from tests.factories import AssignmentFactory, UserFactory

    user = UserFactory(username="yanggu_sj")
    AssignmentFactory(user=user, department=world.sj, region=world.yanggu)
    return user


@pytest.fixture
def people(world, yanggu_sj):
    """The personas of the write policy (issue 13), by name. ``township`` is a 民政 post at
    博济桥街道 (the township of ``home``); ``xf_auditor`` an auditor of fire rescue."""
    from django.contrib.auth.models import AnonymousUser

    from supervision.core.policy import SYSTEM
    from tests.factories import AssignmentFactory, UserFactory

    def post(username, department, region, role="inspector"):
        user = UserFactory(username=username)
        AssignmentFactory(user=user, department=department, region=region, role=role)
        return user

    return {
        "lead": world.yanggu_mz,
        "leader": world.yanggu_leader,
        "admin": post("yanggu_admin", world.mz, world.yanggu, "admin"),
        "auditor": post("yanggu_auditor", world.mz, world.yanggu, "auditor"),
        "liaison": post("yanggu_liaison", world.mz, world.yanggu, "liaison"),
        "xf": world.yanggu_xf,
        "xf_auditor": post("yanggu_xf_auditor", world.xf, world.yanggu, "auditor"),
        "xf_liaison": post("yanggu_xf_liaison", world.xf, world.yanggu, "liaison"),
        "sj": yanggu_sj,
        "township": post("bojiqiao_mz", world.mz, world.yanggu_town),
        "sibling": world.dongchangfu_mz,
        "superuser": world.sysadmin,
        "none": None,
        "anonymous": AnonymousUser(),
        "system": SYSTEM,
    }
