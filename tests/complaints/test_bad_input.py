"""Odd input gets a clear Chinese answer, never a server error."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from inspections.complaints import services

pytestmark = pytest.mark.django_db


def test_a_referral_number_in_superscript_digits_is_simply_not_found(world):
    with pytest.raises(ValidationError, match="未找到该抄告"):
        services.referral_for_intake(world.yanggu_mz, "²")


def test_a_hotline_order_posted_as_a_json_array_is_refused_with_a_reason(world, api_for):
    response = api_for(world.yanggu_mz).post("/api/v1/complaints/hotline/", [1, 2], format="json")
    assert response.status_code == 400
    assert "JSON 对象" in str(response.json())
