"""The credit demo data is idempotent and ends with one published listing."""

from __future__ import annotations

import io

import pytest

from credit import demo, public
from credit.models import CreditRecord, ListingProposal
from tests.credit import factories

pytestmark = pytest.mark.django_db


def test_demo_seed_is_idempotent(world):
    for i in range(4):
        factories.institution(world.yanggu_town, f"阳谷县演示养老院{i}")
    demo.seed(io.StringIO())
    demo.seed(io.StringIO())
    assert CreditRecord.objects.count() == 6
    assert ListingProposal.objects.count() == 1
    assert len(public.public_entries()) == 1
