"""Sampling ratios per risk class accept only finite numbers between 0 and 1."""

from __future__ import annotations

import pytest

from inspections.forms import PlanForm

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["NaN", "Infinity", "1.5", "abc"])
def test_a_ratio_that_is_not_a_finite_share_is_refused(value):
    form = PlanForm(data={"ratio_high": value})
    form.is_valid()
    assert "ratio_high" in form.errors
