from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from supervision.core.models import Role
from supervision.publicity.models import PolicyPage
from tests.factories import AssignmentFactory, UserFactory


@pytest.fixture(autouse=True)
def clean_public_cache(settings):
    """Page cache and throttle counters live in the process-wide cache: start clean, with a
    rate no test reaches unless it sets its own."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "public": "10000/min",
        },
    }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def yanggu_admin(world):
    """A civil-affairs administrator of 阳谷县: may manage policy pages there."""
    user = UserFactory(username="yanggu_mz_admin", display_name="阳谷民政管理员")
    AssignmentFactory(user=user, department=world.mz, region=world.yanggu, role=Role.ADMIN)
    return user


def policy(world, **kw) -> PolicyPage:
    now = timezone.now()
    defaults = dict(
        category="general",
        title="养老机构备案办事指南",
        slug=f"guide-{PolicyPage.objects.count() + 1}",
        body="第一段。\n\n第二段。",
        region=world.yanggu,
        publish_from=now - dt.timedelta(days=1),
    )
    defaults.update(kw)
    return PolicyPage.objects.create(**defaults)
