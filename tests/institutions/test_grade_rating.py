"""Grade ratings: level from configured thresholds; refused for a restricted institution."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from institutions import services
from institutions.models import GradeThreshold

pytestmark = pytest.mark.django_db
D = dt.date(2026, 6, 1)
SCORES = {
    "score_environment": 110,
    "score_facilities": 120,
    "score_management": 130,
    "score_service": 500,
}  # 860


def test_level_follows_configured_thresholds(world, yanggu_home):
    rating = services.grade_rate(yanggu_home, actor=world.yanggu_mz, scores=SCORES, rated_on=D)
    assert rating.total == Decimal(860) and rating.get_level_display() == "四级"
    assert rating.valid_until == dt.date(2029, 5, 31)
    GradeThreshold.objects.filter(level=5).update(min_total=850)
    assert services.grade_rate(yanggu_home, actor=world.yanggu_mz, scores=SCORES, rated_on=D).level == 5


def test_section_maximum_and_minimum_total(world, yanggu_home):
    with pytest.raises(ValidationError) as exc:
        services.grade_rate(
            yanggu_home, actor=world.yanggu_mz, scores={**SCORES, "score_environment": 121}, rated_on=D
        )
    assert "0–120" in str(exc.value)
    low = {"score_environment": 50, "score_facilities": 50, "score_management": 50, "score_service": 100}
    with pytest.raises(ValidationError) as exc:
        services.grade_rate(yanggu_home, actor=world.yanggu_mz, scores=low, rated_on=D)
    assert "未达到一级分数线" in exc.value.messages[0]


def test_restricted_institution_cannot_be_rated(world, yanggu_home):
    services.institution_restrict(
        yanggu_home,
        actor=world.sysadmin,
        kind="joint_punishment",
        source="聊民信〔2026〕1号",
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2027, 12, 31),
    )
    with pytest.raises(ValidationError) as exc:
        services.grade_rate(yanggu_home, actor=world.yanggu_mz, scores=SCORES, rated_on=D)
    assert "不得参加等级评定" in exc.value.messages[0] and "聊民信〔2026〕1号" in exc.value.messages[0]
    assert services.grade_rate(
        yanggu_home, actor=world.yanggu_mz, scores=SCORES, rated_on=dt.date(2028, 1, 2)
    ).pk
