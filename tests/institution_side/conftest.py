"""Fixtures of the institution's side: ``institution_account`` = (user, institution)."""

from __future__ import annotations

import pytest

from tests.institution_side.factories import make_institution_account
from tests.institutions.factories import InstitutionFactory


@pytest.fixture
def own_institution(world):
    return InstitutionFactory(name="阳谷县福寿养老院", region=world.yanggu_town, status="filed")


@pytest.fixture
def other_institution(world):
    return InstitutionFactory(name="阳谷县康乐养老院", region=world.yanggu_town, status="filed")


@pytest.fixture
def institution_account(own_institution):
    """(user, institution): an active institution account of 阳谷县福寿养老院 in 博济桥街道."""
    return make_institution_account(own_institution, username="fushou_test"), own_institution
