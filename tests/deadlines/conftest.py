"""Deadline-engine fixtures: a fresh calendar index per test, subjects, and a clock opener."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache

from supervision.core.models import Domain
from supervision.workcal import services as workcal


@pytest.fixture(autouse=True)
def fresh_calendar():
    workcal._index = None
    cache.delete(workcal.CACHE_KEY)
    yield
    workcal._index = None
    cache.delete(workcal.CACHE_KEY)


@pytest.fixture
def rules(db):
    """The shipped rules (a transactional test's flush removes the data migration's rows)."""
    from supervision.core.models import Department, Region
    from supervision.deadlines.models import Rule, RuleOverride
    from supervision.deadlines.rules_data import load

    load(Rule, RuleOverride, Department, Region)


@pytest.fixture
def subject(rules):
    """Any model instance can carry a clock; a Domain row is the lightest stand-in."""
    counter = iter(range(1, 1_000_000))

    def make(name: str = "") -> Domain:
        n = next(counter)
        return Domain.objects.create(code=f"subject{n}", name=name or f"测试机构{n}")

    return make


@pytest.fixture
def open_clock(world, subject):
    """Open a clock in 阳谷县 for civil affairs: ``open_clock(start, rule="filing.onsite_check")``."""
    from supervision.deadlines.services import deadline_open

    def make(start: dt.date, rule: str = "filing.onsite_check", region=None, department=None, **kw):
        return deadline_open(
            subject(),
            rule,
            start,
            department=department or world.mz,
            region=region or world.yanggu,
            **kw,
        )

    return make
