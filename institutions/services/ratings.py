"""等级评定 (GB/T 37276): the level follows from the total and the configured thresholds;
refused while the institution is under a restriction (e.g. on the joint-punishment list)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from supervision.core import policy

from ..models import SCORE_SECTIONS, GradeRating, GradeThreshold, Institution
from .common import _create


def level_for_total(total: Decimal) -> GradeThreshold | None:
    """The highest configured level whose threshold ``total`` reaches."""
    return GradeThreshold.objects.filter(min_total__lte=total).order_by("-level").first()


def grade_rate(
    inst: Institution, *, actor: Any, scores: dict[str, Decimal], rated_on: dt.date, rated_by: str = ""
) -> GradeRating:
    """Record a grade rating: the level follows from the total and the configured thresholds.
    Refused while the institution is under a restriction (e.g. on the joint-punishment list)."""
    with transaction.atomic():
        locked = Institution.objects.select_for_update().get(pk=inst.pk)
        policy.require(actor, locked, "keep")
        errors = {}
        for section, maximum in SCORE_SECTIONS.items():
            value = scores.get(section)
            if value is None:
                errors[section] = "请填写该项得分。"
            elif not (0 <= Decimal(value) <= maximum):
                errors[section] = f"该项得分应在 0–{maximum} 分之间。"
        if errors:
            raise ValidationError(errors)
        total = sum((Decimal(scores[s]) for s in SCORE_SECTIONS), Decimal(0))
        hit = locked.restrictions.active_on(rated_on).first()
        if hit is not None:
            raise ValidationError(
                f"该机构处于“{hit.get_kind_display()}”限制期（{hit.term_display()}，依据：{hit.source}），"
                "不得参加等级评定。",
                code="institution_restricted",
            )
        threshold = level_for_total(total)
        if threshold is None:
            lowest = GradeThreshold.objects.order_by("level").first()
            raise ValidationError(
                f"总分 {total} 未达到一级分数线（{lowest.min_total if lowest else '未配置'}），不予评定等级。"
            )
        try:
            valid_until = rated_on.replace(year=rated_on.year + threshold.validity_years) - dt.timedelta(
                days=1
            )
        except ValueError:  # 29 February
            valid_until = rated_on.replace(year=rated_on.year + threshold.validity_years, day=28)
        rating = GradeRating(
            institution=locked,
            level=threshold.level,
            total=total,
            rated_on=rated_on,
            valid_until=valid_until,
            rated_by=rated_by,
            **{k: Decimal(scores[k]) for k in SCORE_SECTIONS},
        )
        _create(rating, actor, "grade_rate")
    return rating
