"""Indicator 4.20: filing names that do not follow the standard pattern are flagged."""

from __future__ import annotations

import pytest

from institutions import services
from institutions.naming import name_is_standard
from tests.institutions.factories import InstitutionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name, ok",
    [
        ("阳谷县福寿养老院", True),
        ("阳谷县博济桥街道康乐老年公寓", True),
        ("阳谷县福寿养老服务有限公司", True),
        ("南开区长虹街道颐年养老服务中心", True),
        ("福寿养老院", False),  # no administrative division
        ("阳谷县爱心之家", False),  # no industry term
        ("阳谷县福寿医院", False),
    ],
)
def test_pattern(name, ok):
    assert name_is_standard(name, "care_home") is ok


def test_training_bodies_are_exempt():
    assert name_is_standard("爱心职业培训学校", "training")


def test_flag_is_stored_and_follows_renames(world):
    inst = InstitutionFactory(region=world.yanggu_town, name="福寿养老院")
    assert inst.name_nonstandard is True
    services.institution_update(inst, actor=world.yanggu_mz, name="阳谷县福寿养老院")
    inst.refresh_from_db()
    assert inst.name_nonstandard is False
