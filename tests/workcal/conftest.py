"""Calendar test fixtures: every test starts from a freshly built index (the database rolls
back between tests, which no signal reports) and with no stray schedule listener."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from supervision.workcal import services


def reset_index() -> None:
    services._index = None
    cache.delete(services.CACHE_KEY)


@pytest.fixture(autouse=True)
def fresh_calendar():
    reset_index()
    listeners = list(services._listeners)
    yield
    services._listeners[:] = listeners
    reset_index()


@pytest.fixture
def heard():
    """A schedule listener that records the years it was called with."""
    years: list[int] = []

    def listener(year: int) -> None:
        years.append(year)

    services.register_schedule_listener(listener)
    yield years
    services.unregister_schedule_listener(listener)
