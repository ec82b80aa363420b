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
