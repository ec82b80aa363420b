"""Fixtures for the institutions tests: institutions in 阳谷县 and 东昌府区 of the shared world."""

from __future__ import annotations

import pytest

from tests.institutions.factories import InstitutionFactory


@pytest.fixture
def yanggu_home(world):
    return InstitutionFactory(name="阳谷县福寿养老院", region=world.yanggu_town)


@pytest.fixture
def dongchangfu_home(world):
    return InstitutionFactory(name="东昌府区康乐养老院", region=world.dongchangfu_town)
